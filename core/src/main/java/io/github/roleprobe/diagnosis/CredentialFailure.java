package io.github.roleprobe.diagnosis;

import io.github.roleprobe.sts.StsCallResult;
import java.util.Objects;
import java.util.Optional;

/**
 * Why the credentials could not be resolved: the component that failed, a reason naming it and how it failed, and a
 * remedy for that cause. Texts are stable from attempt to attempt and contain no secret. Immutable and thread-safe.
 */
public final class CredentialFailure {

    private final FailedComponent component;
    private final String reason;
    private final String remedy;
    private final StsCallResult stsResult;

    private CredentialFailure(FailedComponent component, String reason, String remedy, StsCallResult stsResult) {
        this.component = Objects.requireNonNull(component, "component");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.remedy = Objects.requireNonNull(remedy, "remedy");
        this.stsResult = stsResult;
    }

    /**
     * @param component the component that failed
     * @param reason one or more sentences naming the component and what it did
     * @param remedy what a person can do about it
     * @return the failure
     * @throws NullPointerException when an argument is {@code null}
     */
    public static CredentialFailure of(FailedComponent component, String reason, String remedy) {
        return new CredentialFailure(component, reason, remedy, null);
    }

    /**
     * A failure of STS's answer to the SDK's web identity provider (IRSA's {@code AssumeRoleWithWebIdentity}).
     *
     * @param reason one or more sentences naming STS and what it answered
     * @param remedy what a person can do about it
     * @param stsResult how STS answered, as far as the SDK's message tells
     * @return the failure, of component {@link FailedComponent#STS}
     * @throws NullPointerException when an argument is {@code null}
     */
    public static CredentialFailure ofSts(String reason, String remedy, StsCallResult stsResult) {
        return new CredentialFailure(FailedComponent.STS, reason, remedy,
                Objects.requireNonNull(stsResult, "stsResult"));
    }

    /** @return the component that failed */
    public FailedComponent component() {
        return component;
    }

    /** @return why resolution failed, naming the component */
    public String reason() {
        return reason;
    }

    /** @return what to do about it */
    public String remedy() {
        return remedy;
    }

    /**
     * Returns how STS answered the web identity provider, for a failure of {@link FailedComponent#STS}:
     * {@link StsCallResult#THROTTLED} ({@code Throttling}, "Rate exceeded"), {@link StsCallResult#UNAVAILABLE} (5xx,
     * no connection), {@link StsCallResult#REJECTED} (the role's trust policy or the OIDC provider refused the token),
     * else {@link StsCallResult#MISCONFIGURED}. The SDK's web identity provider retries the first two itself (its
     * client's default retry policy: up to 3 retries, so up to 4 requests per resolution).
     *
     * @return STS's answer, or empty when the failure is not STS's
     */
    public Optional<StsCallResult> stsResult() {
        return Optional.ofNullable(stsResult);
    }

    /**
     * Tells whether the failed resolution may have sent requests to STS: not when the failure is the Pod Identity
     * agent's or a token file's, which the SDK reports before any STS request.
     *
     * @return {@code false} for {@link FailedComponent#AGENT} and {@link FailedComponent#TOKEN_FILE}
     */
    public boolean mayHaveCalledSts() {
        return component != FailedComponent.AGENT && component != FailedComponent.TOKEN_FILE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CredentialFailure f && f.component == component && f.reason.equals(reason)
                && f.remedy.equals(remedy) && f.stsResult == stsResult;
    }

    @Override
    public int hashCode() {
        return Objects.hash(component, reason, remedy, stsResult);
    }

    @Override
    public String toString() {
        return "CredentialFailure[" + component + ": " + reason + "]";
    }
}
