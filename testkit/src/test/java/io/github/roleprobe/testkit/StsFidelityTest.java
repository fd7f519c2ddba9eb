package io.github.roleprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.StsException;

class StsFidelityTest {

    @RegisterExtension
    EksPodSimulatorExtension pod = EksPodSimulatorExtension.of(
            EksPodSimulator.builder().podIdentity("arn:aws:iam::111122223333:role/orders"));

    private AwsSessionCredentials podCredentials() {
        try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
            return (AwsSessionCredentials) provider.resolveCredentials();
        }
    }

    private static StsException stsError(StsClient sts) {
        try {
            sts.getCallerIdentity();
        } catch (StsException e) {
            return e;
        }
        throw new AssertionError("GetCallerIdentity succeeded");
    }

    @Test
    void throttlingIsAnStsExceptionTheSdkRecognisesAsThrottling() {
        EksPodSimulator sim = pod.simulator();
        sim.stsFailNext(1, StsFailure.THROTTLING);
        try (StsClient sts = Sdk.sts(sim, StaticCredentialsProvider.create(podCredentials()))) {
            StsException e = stsError(sts);
            assertThat(e.isThrottlingException()).isTrue();
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Throttling");
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Rate exceeded");
            assertThat(e.requestId()).matches("[0-9a-f-]{36}");

            assertThat(sts.getCallerIdentity().arn()).isEqualTo(sim.podIdentityCallerArn());
            assertThat(sim.counters().stsGetCallerIdentityCalls()).isEqualTo(2);
        }
    }

    @Test
    void queuedFailuresAnswerInOrderWithTheirStatusAndCode() {
        EksPodSimulator sim = pod.simulator();
        sim.stsFailNext(1, StsFailure.INTERNAL_ERROR_500);
        sim.stsFailNext(1, StsFailure.SERVICE_UNAVAILABLE_503);
        sim.stsFailNext(1, StsFailure.EXPIRED_TOKEN);
        sim.stsFailNext(1, StsFailure.MALFORMED);
        try (StsClient sts = Sdk.sts(sim, StaticCredentialsProvider.create(podCredentials()))) {
            StsException internal = stsError(sts);
            StsException unavailable = stsError(sts);
            StsException expired = stsError(sts);

            assertThat(internal.statusCode()).isEqualTo(500);
            assertThat(internal.awsErrorDetails().errorCode()).isEqualTo("InternalFailure");
            assertThat(unavailable.statusCode()).isEqualTo(503);
            assertThat(unavailable.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");
            assertThat(expired.statusCode()).isEqualTo(400);
            assertThat(expired.awsErrorDetails().errorCode()).isEqualTo("ExpiredToken");
            assertThatThrownBy(sts::getCallerIdentity).isInstanceOf(SdkException.class).isNotInstanceOf(StsException.class);
            assertThat(sts.getCallerIdentity().arn()).isEqualTo(sim.podIdentityCallerArn());
        }
    }

    @Test
    void stsDownAnswers503UntilItIsBackUp() {
        EksPodSimulator sim = pod.simulator();
        try (StsClient sts = Sdk.sts(sim, StaticCredentialsProvider.create(podCredentials()))) {
            sim.stsDown(true);
            assertThat(stsError(sts).statusCode()).isEqualTo(503);
            assertThat(stsError(sts).statusCode()).isEqualTo(503);
            sim.stsDown(false);
            assertThat(sts.getCallerIdentity().account()).isEqualTo("111122223333");
        }
    }

    @Test
    void firstFailuresConfiguredOnTheBuilderAreRetriedByTheSdkDefaultStrategy() {
        try (EksPodSimulator sim = EksPodSimulator.builder().stsFailFirst(2, StsFailure.SERVICE_UNAVAILABLE_503).start()) {
            sim.applySystemProperties();
            try (StsClient sts = StsClient.builder().httpClient(UrlConnectionHttpClient.create())
                    .region(Region.of(sim.region()))
                    .credentialsProvider(software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider.create())
                    .build()) {
                assertThat(sts.getCallerIdentity().arn()).isEqualTo(sim.nodeRoleCallerArn());
            }
            assertThat(sim.counters().stsGetCallerIdentityCalls()).isEqualTo(3);
        }
    }

    @Test
    void aWrongSecretIsASignatureMismatch() {
        EksPodSimulator sim = pod.simulator();
        AwsSessionCredentials real = podCredentials();
        AwsCredentials forged = AwsSessionCredentials.create(real.accessKeyId(),
                "0000000000000000000000000000000000000000", real.sessionToken());
        try (StsClient sts = Sdk.sts(sim, StaticCredentialsProvider.create(forged))) {
            StsException e = stsError(sts);
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
        }
    }

    @Test
    void anUnknownKeyOrAMismatchedSessionTokenIsAnInvalidClientTokenId() {
        EksPodSimulator sim = pod.simulator();
        AwsSessionCredentials real = podCredentials();
        AwsCredentials unknown = AwsSessionCredentials.create("ASIAAAAAAAAAAAAAAAAA", real.secretAccessKey(), real.sessionToken());
        AwsCredentials wrongToken = AwsSessionCredentials.create(real.accessKeyId(), real.secretAccessKey(), "other-token");
        try (StsClient a = Sdk.sts(sim, StaticCredentialsProvider.create(unknown));
             StsClient b = Sdk.sts(sim, StaticCredentialsProvider.create(wrongToken))) {
            assertThat(stsError(a).awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
            assertThat(stsError(b).awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
            assertThat(stsError(b).statusCode()).isEqualTo(403);
        }
    }

    @Test
    void aSignatureScopedToAnotherRegionIsRejected() {
        EksPodSimulator sim = pod.simulator();
        try (StsClient sts = StsClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(podCredentials())).build()) {
            StsException e = stsError(sts);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
        }
    }

    @Test
    void unsignedGetCallerIdentityIsMissingAuthentication() throws Exception {
        EksPodSimulator sim = pod.simulator();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(sim.stsEndpoint())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("Action=GetCallerIdentity&Version=2011-06-15")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">")
                .contains("<Type>Sender</Type>").contains("<Code>MissingAuthenticationToken</Code>");
    }

    @Test
    void latencyLetsConcurrentCallsOverlapAndTheHighWaterMarkCountsThem() throws Exception {
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity("arn:aws:iam::111122223333:role/orders")
                .stsLatency(Duration.ofMillis(700)).start()) {
            sim.applySystemProperties();
            AwsSessionCredentials credentials = podCredentials();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch go = new CountDownLatch(1);
            try (StsClient sts = Sdk.sts(sim, StaticCredentialsProvider.create(credentials))) {
                List<Future<String>> arns = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    arns.add(pool.submit(() -> {
                        go.await();
                        return sts.getCallerIdentity().arn();
                    }));
                }
                long start = System.nanoTime();
                go.countDown();
                for (Future<String> arn : arns) {
                    assertThat(arn.get()).isEqualTo(sim.podIdentityCallerArn());
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
            } finally {
                pool.shutdownNow();
            }
            assertThat(sim.counters().maxConcurrentStsCalls()).isEqualTo(4);
            sim.counters().reset();
            assertThat(sim.counters().stsGetCallerIdentityCalls()).isZero();
            assertThat(sim.counters().maxConcurrentStsCalls()).isZero();
        }
    }

    @Test
    void expiredCredentialsAreRejectedAsExpiredToken() throws Exception {
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity("arn:aws:iam::111122223333:role/orders")
                .credentialsLifetime(Duration.ofSeconds(1)).start()) {
            sim.applySystemProperties();
            AwsSessionCredentials credentials = podCredentials();
            Thread.sleep(1100);
            try (StsClient sts = Sdk.sts(sim, StaticCredentialsProvider.create(credentials))) {
                StsException e = stsError(sts);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredToken");
            }
        } catch (SdkClientException e) {
            throw new AssertionError("the SDK refused short-lived credentials", e);
        }
    }

}
