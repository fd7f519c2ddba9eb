package io.github.roleprobe.heal;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.HttpURLConnection;

/**
 * A Kubernetes API call of the self-eviction failed: what was asked and how the API server (or the way to it) failed,
 * in stable words for the reason of the {@code NOT_INJECTED} state. Never holds the service-account token.
 */
final class KubernetesCallFailed extends Exception {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int status;
    private final boolean unreachable;
    private final String detail;

    KubernetesCallFailed(String call, KubernetesClientException e) {
        super(call + ": " + e.getClass().getSimpleName(), null, false, false);
        this.call = call;
        this.status = e.getCode();
        this.unreachable = e.getCode() <= 0 && causedByIo(e);
        this.detail = detail(e);
    }

    /** @return the HTTP status the API server answered, 0 when it did not answer */
    int status() {
        return status;
    }

    /** @return one or two sentences for the reason: the call, the answer or the failure, and what to do */
    String sentence(String apiServer) {
        if (status == HttpURLConnection.HTTP_FORBIDDEN) {
            return "the Kubernetes API refused to " + call + " (403 Forbidden): the pod's service account needs the"
                    + " kit's self-eviction Role (create pods/eviction, get pods, list and create events).";
        }
        if (unreachable) {
            return "the Kubernetes API server at " + apiServer + " did not answer " + call + " (" + detail + ").";
        }
        if (status > 0) {
            return "the Kubernetes API answered " + status + " to " + call + (detail.isEmpty() ? "" : ": " + detail)
                    + ".";
        }
        return "the call to " + call + " failed: " + detail + ".";
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** The innermost message without request ids or object dumps: the status message or the I/O failure's class. */
    private static String detail(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return firstLine(e.getStatus().getMessage());
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        if (root == e) {
            return firstLine(e.getMessage());
        }
        String m = root.getMessage();
        return root.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + firstLine(m));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
