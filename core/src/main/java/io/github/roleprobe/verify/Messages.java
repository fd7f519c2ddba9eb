package io.github.roleprobe.verify;

/** Shortens exception messages for reasons. */
final class Messages {

    private Messages() {
    }

    /**
     * Summarises why a credential provider (chain) gave no credentials. The SDK's chain message lists
     * every provider and then, after {@code " : ["}, what each one said; keep that part.
     */
    static String providerFailures(RuntimeException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        int details = message.indexOf(" : [");
        String text = details >= 0 ? message.substring(details + 3) : message;
        text = text.replace('\n', ' ');
        return e.getClass().getSimpleName() + ": " + (text.length() > 600 ? text.substring(0, 600) + "…" : text);
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
