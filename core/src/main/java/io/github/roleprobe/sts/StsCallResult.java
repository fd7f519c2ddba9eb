package io.github.roleprobe.sts;

import java.util.Locale;

/** The result of one STS call, a small fixed set (safe as a metric tag). */
public enum StsCallResult {
    /** STS answered with a caller identity. */
    SUCCESS,
    /** STS answered {@code Throttling} (or another throttling error): the account's STS quota is exceeded. */
    THROTTLED,
    /** No useful answer: timeout, connection error, 5xx, unparseable answer. */
    UNAVAILABLE,
    /** STS rejected the credentials ({@code InvalidClientTokenId}, {@code ExpiredToken}, ...). */
    REJECTED,
    /** The call cannot work as configured (no region, an endpoint answering 4xx, clock skew). */
    MISCONFIGURED;

    /** @return the lower-case name, for metric tags */
    public String tagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
