package io.github.roleprobe.diagnosis;

/** The part of the pod's credential delivery that a {@link CredentialFailure} blames. */
public enum FailedComponent {
    /** The EKS Pod Identity agent, at {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}. */
    AGENT,
    /**
     * A token file: EKS Pod Identity's {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE} or IRSA's
     * {@code AWS_WEB_IDENTITY_TOKEN_FILE}.
     */
    TOKEN_FILE,
    /** STS as the SDK's web identity provider asks it under IRSA ({@code AssumeRoleWithWebIdentity}). */
    STS,
    /** The application's own {@code AwsCredentialsProvider}. */
    APPLICATION_PROVIDER,
    /**
     * The credential provider chain as a whole, when no provider is expected to answer (neither EKS Pod Identity
     * nor IRSA environment is present).
     */
    CHAIN
}
