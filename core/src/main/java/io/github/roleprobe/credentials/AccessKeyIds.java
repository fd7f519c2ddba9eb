package io.github.roleprobe.credentials;

/** Masks access key ids for display. Stateless and thread-safe. */
public final class AccessKeyIds {

    private AccessKeyIds() {
    }

    /**
     * Masks an access key id, keeping the first four characters (the key type, {@code AKIA} or
     * {@code ASIA}) and the last four.
     *
     * @param accessKeyId the access key id, may be {@code null}
     * @return for example {@code ASIA…WXYZ}; {@code ****} for ids of eight characters or fewer;
     *     {@code null} for {@code null}
     */
    public static String mask(String accessKeyId) {
        if (accessKeyId == null) {
            return null;
        }
        if (accessKeyId.length() <= 8) {
            return "****";
        }
        return accessKeyId.substring(0, 4) + "…" + accessKeyId.substring(accessKeyId.length() - 4);
    }
}
