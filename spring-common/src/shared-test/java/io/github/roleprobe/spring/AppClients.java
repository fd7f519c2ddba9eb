package io.github.roleprobe.spring;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;

/**
 * The application's own AWS SDK clients, built as applications build theirs (region and STS endpoint from the
 * simulator's system properties), and closed after the test. Not thread-safe.
 */
final class AppClients implements AutoCloseable {

    private final List<StsClient> clients = new ArrayList<>();

    /** @return a client built without a credentials provider: it builds its own SDK default chain */
    StsClient withDefaultChain() {
        return track(StsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()));
    }

    /** @return a client signing with {@code provider} */
    StsClient with(AwsCredentialsProvider provider) {
        return track(StsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(provider));
    }

    StsClient track(StsClientBuilder builder) {
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
