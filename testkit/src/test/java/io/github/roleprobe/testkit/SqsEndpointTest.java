package io.github.roleprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthSchemeOption;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

class SqsEndpointTest {

    static final String ROLE = "arn:aws:iam::111122223333:role/orders";

    private static SqsException sqsError(Runnable call) {
        try {
            call.run();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SqsException sqs) {
                return sqs;
            }
            throw e;
        } catch (SqsException e) {
            return e;
        }
        throw new AssertionError("the SQS call succeeded");
    }

    @Test
    void syncClientThroughPodIdentitySignsEveryRequestWithThePodRole() {
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity(ROLE).sqsQueue("orders").start();
             LogCapture logs = LogCapture.start()) {
            sim.applySystemProperties();
            try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build();
                 SqsClient sqs = Sdk.sqs(sim, provider)) {
                String url = sqs.getQueueUrl(r -> r.queueName("orders")).queueUrl();
                assertThat(url).isEqualTo(sim.sqsQueueUrl("orders"))
                        .matches("http://127\\.0\\.0\\.1:\\d+/111122223333/orders");

                sqs.sendMessage(r -> r.queueUrl(url).messageBody("order 42 shipped").messageAttributes(Map.of(
                        "kind", MessageAttributeValue.builder().dataType("String").stringValue("shipment").build(),
                        "blob", MessageAttributeValue.builder().dataType("Binary")
                                .binaryValue(software.amazon.awssdk.core.SdkBytes.fromUtf8String("x")).build())));
                assertThat(sim.sqsVisibleMessages("orders")).isEqualTo(1);
                List<Message> received = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)
                        .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                        .messages();
                assertThat(received).singleElement().satisfies(m -> {
                    assertThat(m.body()).isEqualTo("order 42 shipped");
                    assertThat(m.messageAttributes().get("kind").stringValue()).isEqualTo("shipment");
                    assertThat(m.attributes().get(MessageSystemAttributeName.SENDER_ID))
                            .matches("AROA[A-Z0-9]{17}:eks-demo-app-5d8f7b9c6d-x2k4q-[0-9a-f-]{34}");
                });
                sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(received.get(0).receiptHandle()));
                String payments = sqs.createQueue(r -> r.queueName("payments")).queueUrl();
                assertThat(sqs.listQueues().queueUrls()).containsExactly(url, payments);
            }

            assertThat(sim.counters().sqsRequests()).isEqualTo(6);
            assertThat(sim.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(ROLE))).isEqualTo(6);
            assertThat(sim.counters().sqsRequestsBy(sim.podIdentityCallerArn())).isEqualTo(6);
            assertThat(sim.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(sim.nodeRoleArn()))).isZero();
            assertThat(sim.counters().sqsRejectedRequests()).isZero();
            assertThat(logs.linesContainingAnyOf(sim.issuedSecrets())).isEmpty();

            sim.counters().reset();
            assertThat(sim.counters().sqsRequests()).isZero();
            assertThat(sim.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(ROLE))).isZero();
        }
    }

    @Test
    void asyncNettyClientThroughImdsSignsWithTheNodeRole() {
        try (EksPodSimulator sim = EksPodSimulator.builder().sqsQueue("orders").start();
             LogCapture logs = LogCapture.start()) {
            sim.applySystemProperties();
            try (InstanceProfileCredentialsProvider provider = InstanceProfileCredentialsProvider.builder().build();
                 SqsAsyncClient sqs = Sdk.sqsAsync(sim, provider)) {
                String url = sim.sqsQueueUrl("orders");
                String id = sqs.sendMessage(r -> r.queueUrl(url).messageBody("hello")).join().messageId();
                List<Message> received = sqs.receiveMessage(r -> r.queueUrl(url)
                        .messageSystemAttributeNames(MessageSystemAttributeName.SENDER_ID)).join().messages();

                assertThat(received).singleElement().satisfies(m -> {
                    assertThat(m.messageId()).isEqualTo(id);
                    assertThat(m.attributes().get(MessageSystemAttributeName.SENDER_ID)).endsWith(":" + sim.instanceId());
                });
            }
            String nodeRole = EksPodSimulator.assumedRoleArn(sim.nodeRoleArn());
            assertThat(sim.counters().sqsRequests()).isEqualTo(2);
            assertThat(sim.counters().sqsRequestsBy(nodeRole)).isEqualTo(2);
            assertThat(sim.counters().sqsRequestsBy(sim.nodeRoleCallerArn())).isEqualTo(2);
            assertThat(logs.linesContainingAnyOf(sim.issuedSecrets())).isEmpty();
        }
    }

    @Test
    void theCountsShowAnApplicationStuckOnTheNodeRole() {
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity(ROLE).sqsQueue("orders")
                .associationConsistentAfter(Duration.ofHours(1)).start()) {
            sim.applySystemProperties();
            try (DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
                 SqsAsyncClient sqs = Sdk.sqsAsync(sim, chain)) {
                sqs.sendMessage(r -> r.queueUrl(sim.sqsQueueUrl("orders")).messageBody("m")).join();
            }
            assertThat(sim.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(sim.nodeRoleArn()))).isEqualTo(1);
            assertThat(sim.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(ROLE))).isZero();
        }
    }

    @Test
    void unknownKeysAreRejectedWithTheSdkExceptionAnApplicationSees() {
        try (EksPodSimulator sim = EksPodSimulator.builder().sqsQueue("orders").start()) {
            sim.applySystemProperties();
            StaticCredentialsProvider unknown = StaticCredentialsProvider.create(AwsSessionCredentials.create(
                    "ASIAAAAAAAAAAAAAAAAA", "0000000000000000000000000000000000000000", "not-a-session-token"));
            try (SqsClient sync = Sdk.sqs(sim, unknown); SqsAsyncClient async = Sdk.sqsAsync(sim, unknown)) {
                String url = sim.sqsQueueUrl("orders");
                for (SqsException e : List.of(
                        sqsError(() -> sync.sendMessage(r -> r.queueUrl(url).messageBody("m"))),
                        sqsError(() -> async.sendMessage(r -> r.queueUrl(url).messageBody("m")).join()))) {
                    assertThat(e).isExactlyInstanceOf(SqsException.class);
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The security token included in the request is invalid.");
                    assertThat(e.getMessage()).startsWith("The security token included in the request is invalid. (Service: Sqs, Status Code: 403, Request ID: ");
                    assertThat(e.requestId()).matches("[0-9a-f-]{36}");
                }
            }
            assertThat(sim.counters().sqsRequests()).isEqualTo(2);
            assertThat(sim.counters().sqsRejectedRequests()).isEqualTo(2);
            assertThat(sim.counters().sqsRequestsBy("arn:")).isZero();
            assertThat(sim.sqsVisibleMessages("orders")).isZero();
        }
    }

    @Test
    void knownKeysWithAWrongTokenSecretScopeOrExpiryAreRejectedAndStillCountForTheirIdentity() {
        try (EksPodSimulator sim = EksPodSimulator.builder().sqsQueue("orders").start()) {
            sim.applySystemProperties();
            SimulatedCredentials c = sim.issueCredentials(ROLE, "app");
            AwsSessionCredentials real = AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
            AwsSessionCredentials wrongToken = AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), "other");
            AwsSessionCredentials wrongSecret = AwsSessionCredentials.create(c.accessKeyId(),
                    "0000000000000000000000000000000000000000", c.sessionToken());
            SimulatedCredentials old = sim.issueCredentials(ROLE, "old", Instant.now().minusSeconds(60));
            AwsSessionCredentials expired = AwsSessionCredentials.create(old.accessKeyId(), old.secretAccessKey(),
                    old.sessionToken());
            String url = sim.sqsQueueUrl("orders");

            try (SqsClient a = Sdk.sqs(sim, StaticCredentialsProvider.create(wrongToken));
                 SqsClient b = Sdk.sqs(sim, StaticCredentialsProvider.create(wrongSecret));
                 SqsClient d = Sdk.sqs(sim, StaticCredentialsProvider.create(expired));
                 SqsClient otherRegion = SqsClient.builder().httpClient(UrlConnectionHttpClient.create())
                         .region(Region.EU_WEST_1).credentialsProvider(StaticCredentialsProvider.create(real))
                         .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
                 SqsClient otherService = SqsClient.builder().httpClient(UrlConnectionHttpClient.create())
                         .region(Region.of(sim.region())).credentialsProvider(StaticCredentialsProvider.create(real))
                         .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                         .authSchemeProvider(params -> List.of(AuthSchemeOption.builder()
                                 .schemeId(AwsV4AuthScheme.SCHEME_ID)
                                 .putSignerProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sts")
                                 .putSignerProperty(AwsV4HttpSigner.REGION_NAME, sim.region()).build()))
                         .build()) {
                SqsException token = sqsError(() -> a.sendMessage(r -> r.queueUrl(url).messageBody("m")));
                SqsException secret = sqsError(() -> b.sendMessage(r -> r.queueUrl(url).messageBody("m")));
                SqsException stale = sqsError(() -> d.sendMessage(r -> r.queueUrl(url).messageBody("m")));
                SqsException region = sqsError(() -> otherRegion.sendMessage(r -> r.queueUrl(url).messageBody("m")));
                SqsException service = sqsError(() -> otherService.sendMessage(r -> r.queueUrl(url).messageBody("m")));

                assertThat(token.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
                assertThat(secret.statusCode()).isEqualTo(403);
                assertThat(secret.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
                assertThat(secret.awsErrorDetails().errorMessage())
                        .startsWith("The request signature we calculated does not match the signature you provided.");
                assertThat(stale.statusCode()).isEqualTo(403);
                assertThat(stale.awsErrorDetails().errorCode()).isEqualTo("ExpiredToken");
                assertThat(region.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
                assertThat(region.awsErrorDetails().errorMessage()).isEqualTo("Credential should be scoped to a valid region.");
                assertThat(service.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
                assertThat(service.awsErrorDetails().errorMessage())
                        .isEqualTo("Credential should be scoped to correct service: 'sqs'.");
            }
            assertThat(sim.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(ROLE))).isEqualTo(5);
            assertThat(sim.counters().sqsRequestsBy(c.callerArn())).isEqualTo(4);
            assertThat(sim.counters().sqsRejectedRequests()).isEqualTo(5);
            assertThat(sim.sqsVisibleMessages("orders")).isZero();
        }
    }

    @Test
    void anUnknownQueueIsTheModelledQueueDoesNotExistException() {
        try (EksPodSimulator sim = EksPodSimulator.builder().start()) {
            sim.applySystemProperties();
            SimulatedCredentials c = sim.issueCredentials(ROLE, "app");
            try (SqsClient sqs = Sdk.sqs(sim, StaticCredentialsProvider.create(
                    AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken())))) {
                assertThatThrownBy(() -> sqs.getQueueUrl(r -> r.queueName("nope")))
                        .isInstanceOfSatisfying(QueueDoesNotExistException.class, e -> {
                            assertThat(e.statusCode()).isEqualTo(400);
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AWS.SimpleQueueService.NonExistentQueue");
                            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The specified queue does not exist.");
                        });
                assertThatThrownBy(() -> sqs.sendMessage(r -> r.queueUrl(sim.sqsQueueUrl("nope")).messageBody("m")))
                        .isInstanceOf(QueueDoesNotExistException.class);
                assertThat(sim.sqsVisibleMessages("nope")).isEqualTo(-1);
            }
        }
    }

    @Test
    void theWireProtocolIsAwsJson10WithQueryCompatibleErrors() throws Exception {
        try (EksPodSimulator sim = EksPodSimulator.builder().start()) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(sim.sqsEndpoint())
                    .header("X-Amz-Target", "AmazonSQS.PurgeEverything").header("Content-Type", "application/x-amz-json-1.0")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(URI.create(sim.sqsEndpoint() + "/"))
                    .header("X-Amz-Target", "AmazonSQS.ListQueues").header("Content-Type", "application/x-amz-json-1.0")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/x-amz-json-1.0");
            assertThat(unknown.body()).contains("\"__type\":\"com.amazon.coral.service#UnknownOperationException\"");
            assertThat(unsigned.statusCode()).isEqualTo(403);
            assertThat(unsigned.headers().firstValue("x-amzn-query-error")).hasValue("MissingAuthenticationToken;Sender");
            assertThat(unsigned.headers().firstValue("x-amzn-RequestId")).isPresent();
            assertThat(unsigned.body()).startsWith("{\"__type\":\"com.amazon.coral.service#MissingAuthenticationTokenException\"")
                    .contains("\"message\":\"Request is missing Authentication Token\"");
            assertThat(sim.counters().sqsRequests()).isEqualTo(2);
            assertThat(sim.counters().sqsRejectedRequests()).isEqualTo(2);
        }
    }
}
