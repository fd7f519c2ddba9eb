package io.github.roleprobe.sample.spring;

import io.github.roleprobe.credentials.CredentialSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The application's own AWS clients, as a real service would build them.
 *
 * <p>By default the {@link StsClient} gets its own default credential chain, built lazily on first use. With
 * {@code sample.warm-up-credentials=true} an eager {@link AwsCredentialsProvider} bean resolves credentials once at
 * startup, before the EKS Pod Identity agent can serve the role, and the {@link StsClient} reuses it. Because the SDK
 * chain keeps asking the provider that answered first, that chain stays on the node role for the life of the JVM: the
 * failure role-probe exists to catch. role-probe verifies this bean, because it is the application's provider. With
 * {@code sample.warm-up-client=true} the client itself, with its own chain, calls STS at startup: role-probe's request
 * guard sees what it signs with.
 */
@Configuration(proxyBeanMethods = false)
public class AwsClients {

    private static final Logger LOG = LoggerFactory.getLogger(AwsClients.class);

    /**
     * An application-wide credentials provider, resolved eagerly at startup.
     *
     * @return a new default credential chain that has already resolved credentials once
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnBooleanProperty("sample.warm-up-credentials")
    DefaultCredentialsProvider warmedUpCredentialsProvider() {
        DefaultCredentialsProvider provider = DefaultCredentialsProvider.builder().build();
        try {
            AwsCredentials credentials = provider.resolveCredentials();
            LOG.info("Warmed up AWS credentials at startup; source: {}",
                    CredentialSource.fromProviderName(credentials.providerName()));
        } catch (RuntimeException e) {
            LOG.warn("Could not warm up AWS credentials at startup: {}", e.getMessage());
        }
        return provider;
    }

    /**
     * A warm-up of the application's own client at startup, as a cache load or a configuration read would do: with
     * {@code sample.warm-up-client=true} the {@link StsClient} (its own default chain when there is no provider bean)
     * calls {@code GetCallerIdentity} while the context starts, before the EKS Pod Identity agent can serve the role.
     * Its chain falls through to IMDS and keeps the node role; role-probe's request guard sees the client sign with it.
     *
     * @param sts the application's STS client
     * @return a marker bean
     */
    @Bean
    @ConditionalOnBooleanProperty("sample.warm-up-client")
    WarmedUpClient warmedUpClient(StsClient sts) {
        try {
            LOG.info("Warmed up the STS client at startup; it runs as {}", sts.getCallerIdentity().arn());
        } catch (RuntimeException e) {
            LOG.warn("Could not warm up the STS client at startup: {}", e.getMessage());
        }
        return new WarmedUpClient();
    }

    /** Marks that the application's STS client made its warm-up call. */
    static final class WarmedUpClient {
    }

    /**
     * The application's STS client: the application's {@link AwsCredentialsProvider} bean if there is one, else a
     * fresh default credential chain. Region and endpoint come from the SDK defaults ({@code AWS_REGION},
     * {@code AWS_ENDPOINT_URL_STS}, ...).
     *
     * @param credentialsProviders the application's credentials provider bean, if any
     * @return the STS client, created on first use
     */
    @Bean(destroyMethod = "close")
    @Lazy
    StsClient stsClient(ObjectProvider<AwsCredentialsProvider> credentialsProviders) {
        AwsCredentialsProvider credentials = credentialsProviders.getIfAvailable(
                () -> DefaultCredentialsProvider.builder().build());
        return StsClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(credentials)
                .build();
    }
}
