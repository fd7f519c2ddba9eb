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
    EXPIRED_TOKEN,
    /**
     * HTTP 403, {@code ErrorResponse} with code {@code SignatureDoesNotMatch} and AWS's clock-skew message
     * for a request signed 20 minutes before STS's clock, built from the request's own {@code X-Amz-Date}:
     * {@code Signature expired: 20261203T101500Z is now earlier than 20261203T102000Z (20261203T103500Z - 15 min.)}.
     * The response's {@code Date} header is the real time, so the SDK does not recognise it as clock skew
     * and does not correct its clock (for that, see
     * {@link EksPodSimulator.Builder#stsClockOffset(java.time.Duration)}).
     */
    CLOCK_SKEW_SIGNATURE_EXPIRED,
    /**
     * HTTP 400, {@code ErrorResponse} with code {@code RequestExpired}, message "Request has expired.";
     * the AWS SDKs treat this code as definite clock skew (and, with retries on, retry it).
     */
    REQUEST_EXPIRED
}
