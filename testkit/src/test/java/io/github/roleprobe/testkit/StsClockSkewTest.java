package io.github.roleprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkGlobalTime;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * STS on a skewed clock, as AWS judges a pod whose clock is off, and what SDK 2.57 does about it: the
 * first request fails with 403 {@code SignatureDoesNotMatch} "Signature expired: ..."; the SDK takes
 * the offset from the response's {@code Date} header and stores it in the client and JVM-wide
 * ({@link SdkGlobalTime}): with retries on, the same call is retried once and succeeds; without
 * retries, the call fails but the next call, on that client or on any client created afterwards,
 * succeeds.
 */
class StsClockSkewTest {

    static final String ROLE = "arn:aws:iam::111122223333:role/orders";
    private static final String SIGNATURE_EXPIRED =
            "Signature expired: (\\d{8}T\\d{6}Z) is now earlier than (\\d{8}T\\d{6}Z) \\((\\d{8}T\\d{6}Z) - 15 min\\.\\)";

    @BeforeEach
    @AfterEach
    void noSdkClockCorrection() {
        SdkGlobalTime.setGlobalTimeOffset(0);
    }

    private static StsException stsError(StsClient sts) {
        try {
            sts.getCallerIdentity();
        } catch (StsException e) {
            return e;
        }
        throw new AssertionError("GetCallerIdentity succeeded");
    }

    private static StaticCredentialsProvider credentials(EksPodSimulator sim) {
        SimulatedCredentials c = sim.issueCredentials(ROLE, "app");
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(),
                c.sessionToken()));
    }

    private static Duration between(String earlier, String later) {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX");
        return Duration.between(ZonedDateTime.parse(earlier, f), ZonedDateTime.parse(later, f));
    }

    @Test
    void withoutRetriesTheFirstCallFailsAndTheSdkCorrectsItsClockForEveryLaterClient() {
        try (EksPodSimulator sim = EksPodSimulator.builder().stsClockOffset(Duration.ofMinutes(20)).start()) {
            sim.applySystemProperties();
            StaticCredentialsProvider credentials = credentials(sim);
            try (StsClient sts = Sdk.sts(sim, credentials)) {
                StsException e = stsError(sts);

                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
                String message = e.awsErrorDetails().errorMessage();
                assertThat(message).matches(SIGNATURE_EXPIRED);
                String[] times = message.replaceAll(SIGNATURE_EXPIRED, "$1 $2 $3").split(" ");
                assertThat(between(times[1], times[2])).isEqualTo(Duration.ofMinutes(15));
                assertThat(between(times[0], times[2])).isBetween(Duration.ofSeconds(1199), Duration.ofSeconds(1201));
                assertThat(e.getMessage()).startsWith(message + " (Service: Sts, Status Code: 403, Request ID: ");
                // the SDK already applied the correction: the exception no longer counts as clock skew
                assertThat(e.isClockSkewException()).isFalse();
                assertThat(SdkGlobalTime.getGlobalTimeOffset()).isBetween(-1201, -1199);

                assertThat(sts.getCallerIdentity().arn()).endsWith("/app");
            }
            try (StsClient fresh = Sdk.sts(sim, credentials)) {
                assertThat(fresh.getCallerIdentity().arn()).endsWith("/app");
            }
            assertThat(sim.counters().stsGetCallerIdentityCalls()).isEqualTo(3);
        }
        assertThat(SdkGlobalTime.getGlobalTimeOffset()).as("close() resets the SDK's JVM-wide correction").isZero();
    }

    @Test
    void withTheDefaultRetryStrategyTheCallIsRetriedOnceWithTheCorrectedClock() {
        try (EksPodSimulator sim = EksPodSimulator.builder().stsClockOffset(Duration.ofMinutes(20)).start()) {
            sim.applySystemProperties();
            try (StsClient sts = StsClient.builder().httpClient(UrlConnectionHttpClient.create())
                    .region(Region.of(sim.region())).credentialsProvider(credentials(sim)).build()) {
                assertThat(sts.getCallerIdentity().arn()).endsWith("/app");
            }
            assertThat(sim.counters().stsGetCallerIdentityCalls()).isEqualTo(2);
        }
    }

    @Test
    void aClockBehindIsSignatureNotYetCurrent() {
        try (EksPodSimulator sim = EksPodSimulator.builder().stsClockOffset(Duration.ofMinutes(-20)).start()) {
            sim.applySystemProperties();
            try (StsClient sts = Sdk.sts(sim, credentials(sim))) {
                StsException e = stsError(sts);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
                assertThat(e.awsErrorDetails().errorMessage()).matches(
                        "Signature not yet current: \\d{8}T\\d{6}Z is still later than \\d{8}T\\d{6}Z \\(\\d{8}T\\d{6}Z \\+ 15 min\\.\\)");
                assertThat(sts.getCallerIdentity().arn()).endsWith("/app");
            }
        }
    }

    @Test
    void aSkewWithinFifteenMinutesIsAccepted() {
        try (EksPodSimulator sim = EksPodSimulator.builder().stsClockOffset(Duration.ofMinutes(10)).start()) {
            sim.applySystemProperties();
            try (StsClient sts = Sdk.sts(sim, credentials(sim))) {
                assertThat(sts.getCallerIdentity().arn()).endsWith("/app");
            }
            assertThat(SdkGlobalTime.getGlobalTimeOffset()).isZero();
        }
    }

    @Test
    void theDateHeaderReportsStsClock() throws Exception {
        try (EksPodSimulator sim = EksPodSimulator.builder().stsClockOffset(Duration.ofMinutes(20)).start()) {
            Instant before = Instant.now();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(sim.stsEndpoint())
                    .POST(HttpRequest.BodyPublishers.ofString("Action=GetCallerIdentity&Version=2011-06-15")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Instant after = Instant.now();
            Instant date = ZonedDateTime.parse(r.headers().firstValue("Date").orElseThrow(),
                    DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();

            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("<Code>MissingAuthenticationToken</Code>");
            assertThat(r.headers().allValues("Date")).hasSize(1);
            assertThat(date).isBetween(before.plus(Duration.ofMinutes(20)).minusSeconds(1),
                    after.plus(Duration.ofMinutes(20)).plusSeconds(1));
        }
    }

    @Test
    void aQueuedSignatureExpiredWithoutASkewedDateIsNeitherCorrectedNorRetried() {
        try (EksPodSimulator sim = EksPodSimulator.builder().start()) {
            sim.applySystemProperties();
            sim.stsFailNext(1, StsFailure.CLOCK_SKEW_SIGNATURE_EXPIRED);
            try (StsClient sts = StsClient.builder().httpClient(UrlConnectionHttpClient.create())
                    .region(Region.of(sim.region())).credentialsProvider(credentials(sim)).build()) {
                StsException e = stsError(sts);
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
                String message = e.awsErrorDetails().errorMessage();
                assertThat(message).matches(SIGNATURE_EXPIRED);
                String[] times = message.replaceAll(SIGNATURE_EXPIRED, "$1 $2 $3").split(" ");
                assertThat(between(times[0], times[1])).isEqualTo(Duration.ofMinutes(5));
                assertThat(between(times[0], times[2])).isEqualTo(Duration.ofMinutes(20));
                assertThat(e.isClockSkewException()).isFalse();
                assertThat(sts.getCallerIdentity().arn()).endsWith("/app");
            }
            assertThat(sim.counters().stsGetCallerIdentityCalls()).isEqualTo(2);
            assertThat(SdkGlobalTime.getGlobalTimeOffset()).isZero();
        }
    }

    @Test
    void aQueuedRequestExpiredIsDefiniteClockSkewThatTheSdkRetries() {
        try (EksPodSimulator sim = EksPodSimulator.builder().start()) {
            sim.applySystemProperties();
            StaticCredentialsProvider credentials = credentials(sim);
            sim.stsFailNext(1, StsFailure.REQUEST_EXPIRED);
            try (StsClient noRetries = Sdk.sts(sim, credentials)) {
                StsException e = stsError(noRetries);
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestExpired");
                assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Request has expired.");
                assertThat(e.isClockSkewException()).isTrue();
            }
            sim.counters().reset();
            sim.stsFailNext(1, StsFailure.REQUEST_EXPIRED);
            try (StsClient retrying = StsClient.builder().httpClient(UrlConnectionHttpClient.create())
                    .region(Region.of(sim.region())).credentialsProvider(credentials).build()) {
                assertThat(retrying.getCallerIdentity().arn()).endsWith("/app");
            }
            assertThat(sim.counters().stsGetCallerIdentityCalls()).isEqualTo(2);
        }
    }

    @Test
    void thePodIdentityPathIsJudgedTheSameWay() {
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity(ROLE).stsClockOffset(Duration.ofMinutes(30)).start()) {
            sim.applySystemProperties();
            try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build();
                 StsClient sts = Sdk.sts(sim, provider)) {
                assertThat(stsError(sts).awsErrorDetails().errorMessage()).startsWith("Signature expired: ");
                assertThat(sts.getCallerIdentity().arn()).isEqualTo(sim.podIdentityCallerArn());
            }
        }
    }
}
