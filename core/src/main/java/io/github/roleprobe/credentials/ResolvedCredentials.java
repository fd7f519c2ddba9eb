package io.github.roleprobe.credentials;

import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * Credentials resolved from the application's credential provider chain, with their source.
 *
 * <p>Holds the secret key and session token in memory only to sign the STS call; {@link #toString()}
 * shows the masked access key id and the source, nothing else. Immutable and thread-safe.
 */
public final class ResolvedCredentials {

    private final AwsCredentials credentials;
    private final CredentialSource source;

    /**
     * @param credentials as the provider returned them
     */
    public ResolvedCredentials(AwsCredentials credentials) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.source = CredentialSource.fromProviderName(credentials.providerName());
    }

    /** @return the credentials, to sign with; never log them */
    public AwsCredentials credentials() {
        return credentials;
    }

    /** @return the access key id, which identifies the credentials (not a secret, but show it masked) */
    public String accessKeyId() {
        return credentials.accessKeyId();
    }

    /** @return the masked access key id */
    public String maskedAccessKeyId() {
        return AccessKeyIds.mask(credentials.accessKeyId());
    }

    /** @return where the credentials came from */
    public CredentialSource source() {
        return source;
    }

    @Override
    public String toString() {
        return "ResolvedCredentials[" + maskedAccessKeyId() + " from " + source + "]";
    }
}
