package io.github.roleprobe.credentials;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a set of credentials came from, read from the SDK's {@code Identity.providerName()} without any
 * network call.
 *
 * <p>The AWS SDK for Java v2 names the provider in each resolved credential. Versions up to 2.29 used
 * class names ({@code InstanceProfileCredentialsProvider}); later versions use the business-metric
 * feature ids of {@code software.amazon.awssdk.core.useragent.BusinessMetricFeatureId}
 * ({@code CREDENTIALS_IMDS} is {@code "0"}, {@code CREDENTIALS_HTTP} is {@code "z"}), comma-joined
 * when providers nest. Both forms are understood. The set is small and fixed, so it is safe as a
 * metric tag.
 */
public enum CredentialSource {
    /** EC2 instance profile through IMDS: on EKS, the node role. */
    INSTANCE_PROFILE("0", "InstanceProfile"),
    /** Container credentials endpoint: the EKS Pod Identity agent (or ECS). */
    CONTAINER("z", "ContainerCredentials"),
    /** Web identity token file: IRSA. */
    WEB_IDENTITY("h", "WebIdentity"),
    /** {@code AWS_ACCESS_KEY_ID} and friends. */
    ENVIRONMENT("g", "EnvironmentVariable"),
    /** {@code aws.accessKeyId} and friends. */
    SYSTEM_PROPERTIES("f", "SystemProperty"),
    /** Shared config/credentials files. */
    PROFILE("n", "Profile"),
    /** An external {@code credential_process}. */
    PROCESS("w", "Process"),
    /** An explicit STS assume-role provider. */
    STS_ASSUME_ROLE("i", "StsAssumeRole"),
    /** Credentials given in code ({@code StaticCredentialsProvider}). */
    STATIC("e", "StaticCredentials"),
    /** A provider that does not name itself, or one this library does not know. */
    UNKNOWN("", "");

    private final String featureId;
    private final String classNamePart;

    CredentialSource(String featureId, String classNamePart) {
        this.featureId = featureId;
        this.classNamePart = classNamePart;
    }

    /**
     * Classifies a provider name. For a nested name (comma-joined feature ids, outermost provider
     * last) the innermost known source wins: the web identity file outranks the STS call it makes.
     *
     * @param providerName the value of {@code providerName()}, possibly empty
     * @return the source; {@link #UNKNOWN} when the name is empty or not recognised
     */
    public static CredentialSource fromProviderName(Optional<String> providerName) {
        if (providerName.isEmpty() || providerName.get().isBlank()) {
            return UNKNOWN;
        }
        String name = providerName.get();
        for (String part : name.split(",")) {
            String token = part.strip();
            for (CredentialSource source : values()) {
                if (source == UNKNOWN) {
                    continue;
                }
                if (token.equals(source.featureId)
                        || (token.length() > 1 && token.contains(source.classNamePart))) {
                    return source;
                }
            }
            CredentialSource alias = alias(token);
            if (alias != UNKNOWN) {
                return alias;
            }
        }
        return UNKNOWN;
    }

    private static CredentialSource alias(String token) {
        switch (token.toLowerCase(Locale.ROOT)) {
            case "k", "q":
                return WEB_IDENTITY;
            case "o", "p":
                return PROFILE;
            case "v":
                return PROCESS;
            default:
                return UNKNOWN;
        }
    }
}
