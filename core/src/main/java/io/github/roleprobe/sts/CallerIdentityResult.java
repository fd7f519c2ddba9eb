package io.github.roleprobe.sts;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one STS {@code GetCallerIdentity} call: the caller identity, or why there is none.
 *
 * <p>Immutable and thread-safe. Reasons never hold secrets: they are built from the STS error code,
 * the HTTP status and the exception type, not from request data.
 */
public final class CallerIdentityResult {

    /** Why a call gave no identity. */
    public enum Failure {
        /** STS did not answer usefully: timeout, connection error, 5xx, unparseable answer. */
        UNAVAILABLE,
        /** STS answered with a throttling error. */
        THROTTLED,
        /** STS rejected the credentials: {@code InvalidClientTokenId}, {@code ExpiredToken} and the like. */
        CREDENTIALS_REJECTED,
        /** The call cannot work as configured: an endpoint answering 4xx, an invalid endpoint. */
        MISCONFIGURED,
        /**
         * STS refused the request's time: {@code RequestExpired}, or {@code SignatureDoesNotMatch} with "Signature
         * expired" / "Signature not yet current" (the signing time is more than 15 minutes from STS's clock).
         */
        CLOCK_SKEW,
        /** No region for the STS client: nothing was sent. */
        NO_REGION
    }

    private final String arn;
    private final String account;
    private final Failure failure;
    private final String reason;
    private final boolean sent;

    private CallerIdentityResult(String arn, String account, Failure failure, String reason, boolean sent) {
        this.arn = arn;
        this.account = account;
        this.failure = failure;
        this.reason = reason;
        this.sent = sent;
    }

    /**
     * @param arn the {@code Arn} of the answer
     * @param account the {@code Account} of the answer
     * @return a successful result
     */
    public static CallerIdentityResult identity(String arn, String account) {
        return new CallerIdentityResult(Objects.requireNonNull(arn, "arn"), account, null, null, true);
    }

    /**
     * A failure of a request that was sent to STS (it may have answered, or not in time).
     *
     * @param failure the failure kind
     * @param reason one line, without secrets
     * @return a failed result
     */
    public static CallerIdentityResult failure(Failure failure, String reason) {
        return new CallerIdentityResult(null, null, Objects.requireNonNull(failure), Objects.requireNonNull(reason),
                true);
    }

    /**
     * A failure before any request reached STS: no region, a client that cannot be built, a connection that could
     * not be opened. It is not an STS call and is not counted as one.
     *
     * @param failure the failure kind
     * @param reason one line, without secrets
     * @return a failed result whose {@link #sent()} is {@code false}
     */
    public static CallerIdentityResult notSent(Failure failure, String reason) {
        return new CallerIdentityResult(null, null, Objects.requireNonNull(failure), Objects.requireNonNull(reason),
                false);
    }

    /**
     * @return {@code true} when a request went out to STS (answered or not); {@code false} when the call failed before
     *     sending anything, so that STS cannot have received it
     */
    public boolean sent() {
        return sent;
    }

    /** @return the caller ARN, empty on failure */
    public Optional<String> arn() {
        return Optional.ofNullable(arn);
    }

    /** @return the caller's account, empty on failure */
    public Optional<String> account() {
        return Optional.ofNullable(account);
    }

    /** @return the failure kind, empty on success */
    public Optional<Failure> failure() {
        return Optional.ofNullable(failure);
    }

    /** @return the result as a {@link StsCallResult} */
    public StsCallResult callResult() {
        if (failure == null) {
            return StsCallResult.SUCCESS;
        }
        return switch (failure) {
            case UNAVAILABLE -> StsCallResult.UNAVAILABLE;
            case THROTTLED -> StsCallResult.THROTTLED;
            case CREDENTIALS_REJECTED -> StsCallResult.REJECTED;
            case MISCONFIGURED, CLOCK_SKEW, NO_REGION -> StsCallResult.MISCONFIGURED;
        };
    }

    /** @return the failure reason, empty on success */
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }
}
