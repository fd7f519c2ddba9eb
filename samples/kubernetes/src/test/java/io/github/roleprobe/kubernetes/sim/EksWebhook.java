package io.github.roleprobe.kubernetes.sim;

import io.github.roleprobe.kubernetes.manifest.Yamls;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The EKS Pod Identity webhook as admission sees it: a mutating webhook on pod CREATE that, once the
 * pod's identity is visible to it (the Pod Identity association, or the service account's
 * {@code eks.amazonaws.com/role-arn} annotation), adds the credential env, a projected token volume and
 * its mount to every container and init container (except those named in
 * {@code eks.amazonaws.com/skip-containers}), leaving alone a container that already sets the variables;
 * before that, it lets the pod through unchanged (its {@code failurePolicy} is Ignore: a webhook that is
 * down does the same). The values are the ones EKS injects; the simulated container's process gets the
 * simulated world's equivalents from {@link Admission#admit}.
 */
public final class EksWebhook {

    /** EKS Pod Identity: the agent's credentials endpoint and the token file. */
    public static final Map<String, String> POD_IDENTITY_ENV = Map.of(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token");
    static final String IRSA_TOKEN_FILE = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token";

    private final Admission.Injection visible;
    private final LongSupplier now;
    private final long visibleAtMillis;
    private final String irsaRoleArn;

    private EksWebhook(Admission.Injection visible, LongSupplier now, long visibleAtMillis, String irsaRoleArn) {
        this.visible = visible;
        this.now = now;
        this.visibleAtMillis = visibleAtMillis;
        this.irsaRoleArn = irsaRoleArn;
    }

    /**
     * @param now             the time, e.g. {@code timeline::now}
     * @param visibleAtMillis the time from which the webhook sees the association
     * @return a Pod Identity webhook
     */
    public static EksWebhook podIdentityVisibleAt(LongSupplier now, long visibleAtMillis) {
        return new EksWebhook(Admission.Injection.POD_IDENTITY, now, visibleAtMillis, null);
    }

    /**
     * @param now             the time, e.g. {@code timeline::now}
     * @param visibleAtMillis the time from which the webhook sees the role-arn annotation
     * @param roleArn         the annotation's role
     * @return an IRSA webhook
     */
    public static EksWebhook irsaVisibleAt(LongSupplier now, long visibleAtMillis, String roleArn) {
        return new EksWebhook(Admission.Injection.IRSA, now, visibleAtMillis, roleArn);
    }

    /** @return what the webhook injects into a pod created now, for the simulated container's env */
    public Admission.Injection injectionNow() {
        return now.getAsLong() < visibleAtMillis ? Admission.Injection.NONE : visible;
    }

    /** @return timeline time from which the webhook injects */
    public long visibleAtMillis() {
        return visibleAtMillis;
    }

    /**
     * @param pod       the pod of the CREATE request
     * @param injection what to inject
     * @return the pod as the webhook returns it (a copy)
     */
    public ObjectNode mutate(JsonNode pod, Admission.Injection injection) {
        return switch (injection) {
            case NONE -> (ObjectNode) pod.deepCopy();
            case POD_IDENTITY -> podIdentity(pod);
            case IRSA -> irsa(pod, irsaRoleArn);
        };
    }

    /**
     * @param pod a pod
     * @return the pod with the Pod Identity env, token volume and mounts
     */
    public static ObjectNode podIdentity(JsonNode pod) {
        return inject(pod, POD_IDENTITY_ENV, "eks-pod-identity-token", "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount",
                "pods.eks.amazonaws.com", "eks-pod-identity-token");
    }

    /**
     * @param pod     a pod
     * @param roleArn the service account's role
     * @return the pod with the IRSA env, token volume and mounts
     */
    public static ObjectNode irsa(JsonNode pod, String roleArn) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_STS_REGIONAL_ENDPOINTS", "regional");
        env.put("AWS_ROLE_ARN", roleArn);
        env.put("AWS_WEB_IDENTITY_TOKEN_FILE", IRSA_TOKEN_FILE);
        return inject(pod, env, "aws-iam-token", "/var/run/secrets/eks.amazonaws.com/serviceaccount", "sts.amazonaws.com",
                "token");
    }

    private static ObjectNode inject(JsonNode original, Map<String, String> env, String volume, String mountPath,
            String audience, String tokenPath) {
        ObjectNode pod = (ObjectNode) original.deepCopy();
        ObjectNode spec = (ObjectNode) pod.path("spec");
        Set<String> skip = new HashSet<>();
        for (String s : pod.path("metadata").path("annotations").path("eks.amazonaws.com/skip-containers").asString("").split(",")) {
            if (!s.isBlank()) {
                skip.add(s.strip());
            }
        }
        for (String list : new String[] {"initContainers", "containers"}) {
            for (JsonNode c : spec.path(list)) {
                ObjectNode container = (ObjectNode) c;
                if (skip.contains(container.path("name").asString())) {
                    continue;
                }
                ArrayNode envs = container.has("env") ? (ArrayNode) container.path("env") : container.putArray("env");
                Set<String> present = new HashSet<>();
                envs.forEach(e -> present.add(e.path("name").asString()));
                if (env.keySet().stream().filter(k -> !k.equals("AWS_STS_REGIONAL_ENDPOINTS")).anyMatch(present::contains)) {
                    continue; // the container sets them itself
                }
                env.forEach((k, v) -> {
                    if (!present.contains(k)) {
                        envs.addObject().put("name", k).put("value", v);
                    }
                });
                ArrayNode mounts = container.has("volumeMounts") ? (ArrayNode) container.path("volumeMounts")
                        : container.putArray("volumeMounts");
                mounts.addObject().put("name", volume).put("readOnly", true).put("mountPath", mountPath);
            }
        }
        ArrayNode volumes = spec.has("volumes") ? (ArrayNode) spec.path("volumes") : spec.putArray("volumes");
        ObjectNode v = Yamls.JSON.createObjectNode();
        v.put("name", volume);
        ObjectNode token = v.putObject("projected").putArray("sources").addObject().putObject("serviceAccountToken");
        token.put("audience", audience);
        token.put("expirationSeconds", 86400);
        token.put("path", tokenPath);
        volumes.add(v);
        return pod;
    }
}
