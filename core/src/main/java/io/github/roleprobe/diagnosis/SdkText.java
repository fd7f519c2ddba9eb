package io.github.roleprobe.diagnosis;

import java.util.regex.Pattern;

/**
 * Makes SDK and server messages fit for a reason: one line, without what changes on every attempt (request ids,
 * attempt counts, object identity hashes) and without anything token-like.
 */
final class SdkText {

    private static final Pattern REQUEST_ID = Pattern.compile(",? ?(Extended )?Request ID: [^,)]*");
    private static final Pattern ATTEMPT_COUNT = Pattern.compile(" ?\\(SDK Attempt Count: \\d+\\)");
    private static final Pattern IDENTITY_HASH = Pattern.compile("(?<=[A-Za-z0-9_$])@[0-9a-f]{4,16}\\b");
    /** A JSON web token (service account tokens are), or its first segments. */
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]*){0,2}");
    /** A long base64 run, as secret access keys (40 characters) and session tokens are. */
    private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/=]{40,}");
    /** The JDK puts the refused header value after this; with an Authorization header it is the token. */
    private static final Pattern HEADER_VALUE = Pattern.compile("(message header value: ).*");
    static final String REDACTED = "[redacted]";

    private SdkText() {
    }

    /**
     * @param text a message; {@code null} reads as empty
     * @return the message on one line, stable, redacted, spaces collapsed
     */
    static String stable(String text) {
        if (text == null) {
            return "";
        }
        String s = text.replace('\r', ' ').replace('\n', ' ');
        s = HEADER_VALUE.matcher(s).replaceAll("$1" + REDACTED);
        s = REQUEST_ID.matcher(s).replaceAll("");
        s = ATTEMPT_COUNT.matcher(s).replaceAll("");
        s = IDENTITY_HASH.matcher(s).replaceAll("");
        s = JWT.matcher(s).replaceAll(REDACTED);
        s = BASE64_RUN.matcher(s).replaceAll(REDACTED);
        return s.replaceAll("\\s+", " ").strip();
    }

    /**
     * @param text a stable text
     * @param max the largest length kept, at a word boundary
     * @return {@code text}, or its first words up to {@code max} characters followed by "…"
     */
    static String shorten(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int cut = text.lastIndexOf(' ', max);
        return text.substring(0, cut > max / 2 ? cut : max) + "…";
    }
}
