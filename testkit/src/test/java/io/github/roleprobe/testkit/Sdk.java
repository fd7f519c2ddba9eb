package io.github.roleprobe.testkit;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;

/** Builds real AWS SDK for Java v2 clients for the tests. */
final class Sdk {

    private Sdk() {
    }

    /**
     * An STS client that finds the simulator through the {@code aws.endpointUrlSts} system property
     * (so {@link EksPodSimulator#applySystemProperties()} must have run) and never retries.
     */
    static StsClient sts(EksPodSimulator simulator, AwsCredentialsProvider credentials) {
        return StsClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(simulator.region()))
                .credentialsProvider(credentials)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /**
     * A synchronous SQS client (url-connection) that finds the simulator through the
     * {@code aws.endpointUrlSqs} system property and never retries.
     */
    static SqsClient sqs(EksPodSimulator simulator, AwsCredentialsProvider credentials) {
        return SqsClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(simulator.region()))
                .credentialsProvider(credentials)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /**
     * An asynchronous SQS client (Netty, closed with the client) that finds the simulator through the
     * {@code aws.endpointUrlSqs} system property and never retries.
     */
    static SqsAsyncClient sqsAsync(EksPodSimulator simulator, AwsCredentialsProvider credentials) {
        return SqsAsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .region(Region.of(simulator.region()))
                .credentialsProvider(credentials)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }
}
