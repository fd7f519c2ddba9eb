package io.github.roleprobe.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.LoggingListener;
import io.github.roleprobe.verify.PodScenario;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.github.roleprobe.verify.VerificationState;
import io.github.roleprobe.verify.WrongIdentityKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The request guard is independent of the service: an application's SQS clients, sync and async, through the
 * testkit's SQS endpoint (SigV4 verified), judged like its STS clients.
 */
class RequestGuardSqsTest {

    private static final String ORDERS = "arn:aws:iam::111122223333:role/orders";
    private static final String QUEUE = "orders-events";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final PodScenario scenario = new PodScenario();
    private EksPodSimulator pod;

    @AfterEach
    void noSecretLeftAndEverythingIsClosed() throws Exception {
        scenario.close();
    }

    private void start(EksPodSimulator.Builder builder) {
        pod = scenario.startPod(builder.sqsQueue(QUEUE));
    }

    private IdentityVerifier verifier(GuardMode mode) {
        IdentityVerifier verifier = IdentityVerifier.builder()
                .config(RoleProbeConfig.builder().roleArns(List.of(ORDERS)).guardMode(mode)
                        .backoffInitial(Duration.ofMillis(20)).backoffMax(Duration.ofMillis(200)).build())
                .environment(PodEnvironment.of(pod.environment()))
                .listener(new LoggingListener())
                .build();
        scenario.add(verifier);
        return verifier;
    }

    private SqsClient sqs() {
        SqsClient c = SqsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        scenario.add(c);
        return c;
    }

    private SqsAsyncClient sqsAsync() {
        SqsAsyncClient c = SqsAsyncClient.builder().httpClientBuilder(NettyNioAsyncHttpClient.builder()).build();
        scenario.add(c);
        return c;
    }

    private static VerificationSnapshot await(IdentityVerifier verifier, Predicate<VerificationSnapshot> condition)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            if (condition.test(verifier.snapshot())) {
                return verifier.snapshot();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("condition not reached within " + WAIT + "; last: " + verifier.snapshot());
    }

    @Test
    void syncAndAsyncSqsClientsStuckOnTheNodeRoleAreNamedAndKeepReadinessDown() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS).associationConsistentAfter(Duration.ofHours(1)));
        IdentityVerifier verifier = verifier(GuardMode.OBSERVE);
        String queueUrl = pod.sqsQueueUrl(QUEUE);

        sqs().sendMessage(b -> b.queueUrl(queueUrl).messageBody("early"));
        sqsAsync().sendMessage(b -> b.queueUrl(queueUrl).messageBody("early async")).join();

        assertThat(pod.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(pod.nodeRoleArn()))).isEqualTo(2);
        VerificationSnapshot s = verifier.snapshot();
        assertThat(s.state()).isEqualTo(VerificationState.WRONG_IDENTITY);
        assertThat(s.wrongIdentityKind()).contains(WrongIdentityKind.NODE_ROLE);
        assertThat(s.reason()).startsWith("The application's sqs client (SendMessage) signed a request as the node role")
                .contains("1 more client signed with a wrong identity too.");
        assertThat(s.clients()).hasSize(2).allSatisfy(c -> assertThat(c)
                .containsEntry("service", "sqs").containsEntry("identity", "node_role")
                .containsEntry("wrongOperation", "SendMessage"));

        pod.makeAssociationConsistent();
        verifier.start();
        assertThat(await(verifier, v -> v.attempts() >= 1).state()).isEqualTo(VerificationState.WRONG_IDENTITY);
        ServiceCounters counters = verifier.guard().orElseThrow().services().stream()
                .filter(c -> c.service().equals("sqs")).findFirst().orElseThrow();
        assertThat(counters.count(RequestIdentity.NODE_ROLE, false)).isEqualTo(2);
    }

    @Test
    void enforceRefusesStuckSqsRequestsSyncAndAsyncBeforeTheyReachSqs() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS).associationConsistentAfter(Duration.ofHours(1)));
        verifier(GuardMode.ENFORCE);
        String queueUrl = pod.sqsQueueUrl(QUEUE);

        assertThatThrownBy(() -> sqs().sendMessage(b -> b.queueUrl(queueUrl).messageBody("m")))
                .isInstanceOf(SdkClientException.class)
                .hasMessageContaining("refused to send this sqs SendMessage request: it is signed as the node role");
        assertThatThrownBy(() -> sqsAsync().sendMessage(b -> b.queueUrl(queueUrl).messageBody("m")).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(SdkClientException.class)
                .hasMessageContaining("refused to send this sqs SendMessage request");

        assertThat(pod.counters().sqsRequests()).isZero();
        assertThat(pod.sqsVisibleMessages(QUEUE)).isZero();
    }

    @Test
    void sqsClientsOnThePodsRoleAreExpectedAndTheirRequestsGoThroughInEnforceMode() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS));
        IdentityVerifier verifier = verifier(GuardMode.ENFORCE).start();
        await(verifier, v -> v.state() == VerificationState.VERIFIED);
        String queueUrl = pod.sqsQueueUrl(QUEUE);

        sqs().sendMessage(b -> b.queueUrl(queueUrl).messageBody("m1"));
        sqsAsync().sendMessage(b -> b.queueUrl(queueUrl).messageBody("m2")).join();

        assertThat(pod.sqsVisibleMessages(QUEUE)).isEqualTo(2);
        assertThat(pod.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(ORDERS))).isEqualTo(2);
        VerificationSnapshot s = verifier.snapshot();
        assertThat(s.state()).isEqualTo(VerificationState.VERIFIED);
        assertThat(s.clients()).hasSize(2).allSatisfy(c -> assertThat(c).containsEntry("identity", "expected"));
        // The clients' key is the verifier's own (the agent hands it to every chain): no identification call.
        assertThat(s.stsCalls()).isEqualTo(1).isEqualTo(pod.counters().stsGetCallerIdentityCalls());
    }
}
