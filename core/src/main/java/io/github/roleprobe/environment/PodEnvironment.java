package io.github.roleprobe.environment;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.core.SdkSystemSetting;

/**
 * What the pod's environment says about how AWS credentials reach this process.
 *
 * <p>Each AWS setting is read the way the AWS SDK for Java v2 reads it ({@link SdkSystemSetting}):
 * the JVM system property first (for example {@code aws.containerCredentialsFullUri}), then the
 * environment variable ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI}). Kubernetes is recognised by
 * {@code KUBERNETES_SERVICE_HOST}, which the kubelet sets in every container (Kubernetes docs,
 * "Accessing the Kubernetes API from a Pod").
 *
 * <p>Reading is cheap and makes no network call. Instances are immutable and thread-safe as long as
 * the lookup functions are.
 */
public final class PodEnvironment {

    /** Environment variable that the kubelet sets in every container. */
    public static final String KUBERNETES_SERVICE_HOST = "KUBERNETES_SERVICE_HOST";

    private final UnaryOperator<String> environment;
    private final UnaryOperator<String> systemProperties;

    private PodEnvironment(UnaryOperator<String> environment, UnaryOperator<String> systemProperties) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.systemProperties = Objects.requireNonNull(systemProperties, "systemProperties");
    }

    /**
     * Returns the environment of this JVM: {@link System#getenv(String)} and
     * {@link System#getProperty(String)}.
     *
     * @return the process environment
     */
    public static PodEnvironment system() {
        return new PodEnvironment(System::getenv, System::getProperty);
    }

    /**
     * Returns an environment whose variables come from {@code variables} (falling back to nothing) while
     * system properties are still read from this JVM. Useful in tests, where environment variables cannot
     * be changed in-process but the testkit sets the SDK's system properties.
     *
     * @param variables environment variables, for example {@code KUBERNETES_SERVICE_HOST}; copied
     * @return the environment
     */
    public static PodEnvironment of(Map<String, String> variables) {
        Map<String, String> copy = Map.copyOf(variables);
        return new PodEnvironment(copy::get, System::getProperty);
    }

    /**
     * Tells whether this process runs in a Kubernetes container.
     *
     * @return {@code true} when {@code KUBERNETES_SERVICE_HOST} is set and not blank
     */
    public boolean inKubernetes() {
        return present(environment.apply(KUBERNETES_SERVICE_HOST));
    }

    /**
     * Tells which credential injection is present. Pod Identity wins when both are, although the SDK
     * default credential provider chain asks the web identity (IRSA) provider first.
     *
     * @return the injection found; {@link CredentialInjection#NONE} when neither is complete
     */
    public CredentialInjection injection() {
        if (present(setting(SdkSystemSetting.AWS_CONTAINER_CREDENTIALS_FULL_URI))
                && (present(setting(SdkSystemSetting.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE))
                        || present(setting(SdkSystemSetting.AWS_CONTAINER_AUTHORIZATION_TOKEN)))) {
            return CredentialInjection.POD_IDENTITY;
        }
        if (irsaPresent()) {
            return CredentialInjection.IRSA;
        }
        return CredentialInjection.NONE;
    }

    /**
     * Tells whether IRSA environment is present, whether or not EKS Pod Identity's is too. The SDK default
     * credential provider chain then asks its web identity provider first, which calls STS
     * {@code AssumeRoleWithWebIdentity} whenever a new chain resolves credentials.
     *
     * @return {@code true} when both {@code AWS_ROLE_ARN} and {@code AWS_WEB_IDENTITY_TOKEN_FILE} (or their
     *     system properties) are set and not blank
     */
    public boolean irsaPresent() {
        return irsaRoleArn().isPresent() && present(setting(SdkSystemSetting.AWS_WEB_IDENTITY_TOKEN_FILE));
    }

    /**
     * Returns the IRSA role, {@code aws.roleArn} or {@code AWS_ROLE_ARN}.
     *
     * @return the role ARN text as injected, or empty
     */
    public Optional<String> irsaRoleArn() {
        String value = setting(SdkSystemSetting.AWS_ROLE_ARN);
        return present(value) ? Optional.of(value.strip()) : Optional.empty();
    }

    /**
     * Returns the EKS Pod Identity agent's URL, {@code aws.containerCredentialsFullUri} or
     * {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}.
     *
     * @return the URL text as injected (for example {@code http://169.254.170.23/v1/credentials}), or empty
     */
    public Optional<String> containerCredentialsFullUri() {
        return optional(SdkSystemSetting.AWS_CONTAINER_CREDENTIALS_FULL_URI);
    }

    /**
     * Returns the path of the EKS Pod Identity token file, {@code aws.containerAuthorizationTokenFile} or
     * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE}.
     *
     * @return the path as injected, or empty
     */
    public Optional<String> containerAuthorizationTokenFile() {
        return optional(SdkSystemSetting.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE);
    }

    /**
     * Tells whether an authorization token is given directly ({@code aws.containerAuthorizationToken} or
     * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}), which the SDK prefers to the token file. Never returns the token.
     *
     * @return {@code true} when it is set and not blank
     */
    public boolean containerAuthorizationTokenPresent() {
        return optional(SdkSystemSetting.AWS_CONTAINER_AUTHORIZATION_TOKEN).isPresent();
    }

    /**
     * Returns the path of the IRSA web identity token file, {@code aws.webIdentityTokenFile} or
     * {@code AWS_WEB_IDENTITY_TOKEN_FILE}.
     *
     * @return the path as injected, or empty
     */
    public Optional<String> webIdentityTokenFile() {
        return optional(SdkSystemSetting.AWS_WEB_IDENTITY_TOKEN_FILE);
    }

    private Optional<String> optional(SdkSystemSetting setting) {
        String value = setting(setting);
        return present(value) ? Optional.of(value.strip()) : Optional.empty();
    }

    private String setting(SdkSystemSetting setting) {
        String value = systemProperties.apply(setting.property());
        return value != null ? value : environment.apply(setting.environmentVariable());
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
