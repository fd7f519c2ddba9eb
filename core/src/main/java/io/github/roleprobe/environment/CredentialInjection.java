package io.github.roleprobe.environment;

/**
 * Which EKS mechanism injected credential settings into this pod's environment.
 *
 * <p>Both are injected by an admission webhook when the pod is created (EKS User Guide, "EKS Pod
 * Identity" and "IAM roles for service accounts"); the environment of a running pod never changes, so a
 * container restart keeps the same value.
 */
public enum CredentialInjection {
    /** {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} and {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE} are set. */
    POD_IDENTITY,
    /** {@code AWS_ROLE_ARN} and {@code AWS_WEB_IDENTITY_TOKEN_FILE} are set (IRSA). */
    IRSA,
    /** Neither set of variables is present. */
    NONE
}
