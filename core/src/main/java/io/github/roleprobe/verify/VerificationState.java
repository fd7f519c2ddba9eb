package io.github.roleprobe.verify;

/**
 * The verifier's conclusion about the identity this application's credentials carry.
 *
 * <p>Readiness is UP only in {@link #VERIFIED}. Liveness goes DOWN only for {@link #WRONG_IDENTITY}
 * while Pod Identity or IRSA environment is present and after the liveness grace period, because only
 * then does a container restart (a fresh JVM with a fresh credential provider chain) help.
 */
public enum VerificationState {
    /** No attempt has finished yet. */
    PENDING,
    /** STS confirmed that the credentials belong to an expected role. */
    VERIFIED,
    /** STS confirmed another identity; see {@link WrongIdentityKind}. */
    WRONG_IDENTITY,
    /** The credential provider chain returned no credentials, or STS rejected the ones it returned. */
    NO_CREDENTIALS,
    /** Running in Kubernetes with neither EKS Pod Identity nor IRSA environment injected. */
    NOT_INJECTED,
    /** STS could not answer: timeout, connection error, 5xx, throttling, or an unparseable answer. */
    STS_UNAVAILABLE,
    /** The verifier cannot work as configured: no expected role, no region, a bad endpoint, clock skew. */
    MISCONFIGURED
}
