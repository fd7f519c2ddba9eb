package io.github.roleprobe.verify;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;

/**
 * The application's own AWS SDK clients, built as applications build theirs (region and STS endpoint from the
 * simulator's system properties), and closed after the test. Shared with the starters' tests through core's test jar. Not thread-safe.
 */
public final class AppClients implements AutoCloseable {

    private final List<StsClient> clients = new ArrayList<>();

    /** @return a client built without a credentials provider: it builds its own SDK default chain */
    public StsClient withDefaultChain() {
        return track(StsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()));
    }

    /** @return a client signing with {@code provider} */
    public StsClient with(AwsCredentialsProvider provider) {
        return track(StsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(provider));
    }

    /**
     * @param builder a client builder the test configured
     * @return the client it builds, closed with the others
     */
    public StsClient track(StsClientBuilder builder) {
        StsClient client = builder.build();
        clients.add(client);
        return client;
    }

    @Override
    public void close() {
        clients.forEach(StsClient::close);
        clients.clear();
    }
}
