package io.github.roleprobe.credentials;

import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The credentials the application itself uses, as the verifier resolves them.
 *
 * <ul>
 *   <li>{@link #of(AwsCredentialsProvider)}: the application's own provider (a framework bean, or the
 *       provider its clients share). It is resolved as it is, with its caching and its chain state:
 *       a chain that fell through to the instance profile stays there, which is exactly what the
 *       verifier must see. It is never closed here.</li>
 *   <li>{@link #defaultChain()}: the SDK default credential provider chain, as every SDK client builds
 *       it for itself when given no provider. Because the chain reuses the last provider that worked
 *       ({@code reuseLastProviderEnabled}, default true), a chain built while the EKS Pod Identity agent
 *       was not ready would stay on the node role; so until {@link #pin()} a new chain is built for
 *       every resolution, like a client created at that moment. After {@code pin()} the chain that gave
 *       the verified credentials is kept and re-resolved.</li>
 * </ul>
 *
 * <p>Not thread-safe: used from the verifier's single background thread.
 */
public final class ApplicationCredentials implements AutoCloseable {

    private final AwsCredentialsProvider fixed;
    private final Supplier<AwsCredentialsProvider> chainFactory;
    private AwsCredentialsProvider current;
    private boolean pinned;

    private ApplicationCredentials(AwsCredentialsProvider fixed, Supplier<AwsCredentialsProvider> chainFactory) {
        this.fixed = fixed;
        this.chainFactory = chainFactory;
    }

    /**
     * Uses the application's own provider.
     *
     * @param provider the provider the application's clients use; not closed by this class
     * @return the source of credentials to verify
     */
    public static ApplicationCredentials of(AwsCredentialsProvider provider) {
        return new ApplicationCredentials(Objects.requireNonNull(provider, "provider"), null);
    }

    /**
     * Uses the SDK default credential provider chain ({@code DefaultCredentialsProvider.builder().build()}).
     *
     * @return the source of credentials to verify
     */
    public static ApplicationCredentials defaultChain() {
        return new ApplicationCredentials(null, () -> DefaultCredentialsProvider.builder().build());
    }

    /**
     * Resolves credentials. May block on the network (Pod Identity agent, IMDS, STS for IRSA) for as
     * long as the providers' own timeouts allow.
     *
     * @return the credentials and their source
     * @throws software.amazon.awssdk.core.exception.SdkClientException when the provider gives none
     */
    public ResolvedCredentials resolve() {
        if (fixed != null) {
            return new ResolvedCredentials(fixed.resolveCredentials());
        }
        if (!pinned || current == null) {
            closeCurrent();
            current = chainFactory.get();
        }
        return new ResolvedCredentials(current.resolveCredentials());
    }

    /** Keeps the chain that gave the last credentials (no effect for an application provider). */
    public void pin() {
        pinned = true;
    }

    /** Builds a fresh chain again on each {@link #resolve()} (no effect for an application provider). */
    public void unpin() {
        pinned = false;
    }

    /** @return {@code true} when the application gave its own provider */
    public boolean applicationProvided() {
        return fixed != null;
    }

    /**
     * @return the simple class name of the application's provider (for example {@code DefaultCredentialsProvider}),
     *     or empty for the default chain built here
     */
    public java.util.Optional<String> applicationProviderName() {
        return fixed == null ? java.util.Optional.empty() : java.util.Optional.of(fixed.getClass().getSimpleName());
    }

    /** Closes a chain this class built; never the application's provider. Idempotent. */
    @Override
    public void close() {
        closeCurrent();
    }

    private void closeCurrent() {
        if (current instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
        current = null;
    }
}
