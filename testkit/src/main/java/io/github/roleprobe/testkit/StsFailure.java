package io.github.roleprobe.testkit;

/** A failure the simulated STS answers instead of the real result. */
public enum StsFailure {
    /** HTTP 400, {@code ErrorResponse} with code {@code Throttling}, message "Rate exceeded". */
    THROTTLING,
    /** HTTP 500, {@code ErrorResponse} with code {@code InternalFailure}. */
    INTERNAL_ERROR_500,
    /** HTTP 503, {@code ErrorResponse} with code {@code ServiceUnavailable}. */
    SERVICE_UNAVAILABLE_503,
    /** HTTP 200 with a body that is not well-formed XML. */
    MALFORMED,
    /** HTTP 400, {@code ErrorResponse} with code {@code ExpiredToken}. */
    EXPIRED_TOKEN
}
