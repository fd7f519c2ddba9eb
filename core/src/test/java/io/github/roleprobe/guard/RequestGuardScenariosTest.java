package io.github.roleprobe.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.credentials.CredentialSource;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.testkit.SimulatedCredentials;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.LoggingListener;
import io.github.roleprobe.verify.ManualClock;
import io.github.roleprobe.verify.ManualScheduler;
import io.github.roleprobe.verify.PodScenario;
import io.github.roleprobe.verify.VerificationListener;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.github.roleprobe.verify.VerificationState;
import io.github.roleprobe.verify.WrongIdentityKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The request guard with real application SDK clients (an {@link StsClient} built as applications build theirs)
 * against the testkit's simulated EKS pod: what the application's own clients sign with decides readiness.
 */
class RequestGuardScenariosTest {

    private static final String ORDERS = "arn:aws:iam::111122223333:role/orders";
    private static final String REPORTS = "arn:aws:iam::444455556666:role/reports-reader";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final PodScenario scenario = new PodScenario();
    private EksPodSimulator pod;

    @AfterEach
    void noSecretLeftAndEverythingIsClosed() throws Exception {
        scenario.close();
    }

    private EksPodSimulator start(EksPodSimulator.Builder builder) {
        pod = scenario.startPod(builder);
        return pod;
    }

    private RoleProbeConfig.Builder config() {
        return RoleProbeConfig.builder()
                .roleArns(List.of(ORDERS))
                .backoffInitial(Duration.ofMillis(20))
                .backoffMax(Duration.ofMillis(200))
                .stsTimeout(Duration.ofSeconds(10));
    }

    private IdentityVerifier verifier(RoleProbeConfig config, java.time.Clock clock) {
        return verifier(config, clock, null);
    }

    private IdentityVerifier verifier(RoleProbeConfig config, java.time.Clock clock, ManualScheduler scheduler) {
        IdentityVerifier.Builder b = IdentityVerifier.builder()
                .config(config)
                .environment(PodEnvironment.of(pod.environment()))
                .listener(new LoggingListener())
                .listener(new VerificationListener() {
                    @Override
                    public void stateChanged(VerificationSnapshot previous, VerificationSnapshot current) {
                        scenario.visible(current.toString());
                        scenario.visible(current.details().toString());
                    }
                });
        if (clock != null) {
            b.clock(clock);
        }
        if (scheduler != null) {
            b.scheduler(scheduler);
        }
        IdentityVerifier verifier = b.build();
        scenario.add(verifier);
        return verifier;
    }

    /** An application client as applications build it: no credentials provider, so a default chain of its own. */
    private StsClient appClient() {
        StsClient client = StsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        scenario.add(client);
        return client;
    }

    private StsClient appClient(AwsCredentialsProvider provider) {
        StsClient client = StsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(provider).build();
        scenario.add(client);
        return client;
    }

    private static VerificationSnapshot await(IdentityVerifier verifier, Predicate<VerificationSnapshot> condition)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            VerificationSnapshot s = verifier.snapshot();
            if (condition.test(s)) {
                return s;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("condition not reached within " + WAIT + "; last: " + verifier.snapshot());
    }

    private String callerOf(StsClient client) {
        String arn = client.getCallerIdentity().arn();
        scenario.visible(arn);
        return arn;
    }

    @Test
    void aClientStuckOnTheNodeRoleKeepsReadinessDownAfterTheVerifiersOwnChainIsVerified() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS).associationConsistentAfter(Duration.ofHours(1)));
        ManualClock clock = new ManualClock(Instant.now());
        IdentityVerifier verifier = verifier(config().livenessGrace(Duration.ofSeconds(30)).build(), clock);
        StsClient stuck = appClient();

        // The client's first call happens while the agent cannot serve the role: its chain falls through to IMDS.
        assertThat(callerOf(stuck)).isEqualTo(pod.nodeRoleCallerArn());
        VerificationSnapshot flagged = verifier.snapshot();
        assertThat(flagged.state()).isEqualTo(VerificationState.WRONG_IDENTITY);
        assertThat(flagged.wrongIdentityKind()).contains(WrongIdentityKind.NODE_ROLE);
        assertThat(flagged.reason()).startsWith("The application's sts client (GetCallerIdentity) signed a request as"
                + " the node role").contains("credentials from INSTANCE_PROFILE");
        assertThat(flagged.ready()).isFalse();

        pod.makeAssociationConsistent();
        verifier.start();
        VerificationSnapshot s = await(verifier, v -> v.attempts() >= 1);
        // The verifier's own fresh chain now gets the pod's role, but the application's client is still stuck.
        assertThat(s.state()).isEqualTo(VerificationState.WRONG_IDENTITY);
        assertThat(s.wrongIdentityKind()).contains(WrongIdentityKind.NODE_ROLE);
        // Known as the node role by its source at once; its caller ARN was learnt in the background.
        assertThat(await(verifier, v -> v.callerArn().isPresent()).callerArn()).contains(pod.nodeRoleCallerArn());
        assertThat(callerOf(stuck)).isEqualTo(pod.nodeRoleCallerArn());
        assertThat(verifier.snapshot().ready()).isFalse();
        assertThat(verifier.live()).isTrue();
        clock.advance(Duration.ofSeconds(31));
        assertThat(verifier.live()).isFalse();

        // A client built now resolves the pod's role: that does not heal the stuck one.
        assertThat(callerOf(appClient())).startsWith(EksPodSimulator.assumedRoleArn(ORDERS));
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.WRONG_IDENTITY);
        assertThat(verifier.snapshot().details().get("clients")).asList().hasSize(2);
    }

    @Test
    void aClientWarmedUpOnTheNodeRoleBeforeTheVerifierExistedIsWrongFromTheVerifiersCreation() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS).associationConsistentAfter(Duration.ofHours(1)));
        StsClient warmedUp = appClient();
        assertThat(callerOf(warmedUp)).isEqualTo(pod.nodeRoleCallerArn()); // before any verifier

        pod.makeAssociationConsistent();
        IdentityVerifier verifier = verifier(config().build(), null);

        VerificationSnapshot s = verifier.snapshot();
        assertThat(s.state()).isEqualTo(VerificationState.WRONG_IDENTITY);
        assertThat(s.wrongIdentityKind()).contains(WrongIdentityKind.NODE_ROLE);
        assertThat(s.reason()).startsWith("The application's sts client (GetCallerIdentity) signed a request as the"
                + " node role");
        verifier.start();
        assertThat(await(verifier, v -> v.attempts() >= 1).state()).isEqualTo(VerificationState.WRONG_IDENTITY);
        // Its next request is the same client, not a second one; with its credentials the caller ARN is learnt.
        callerOf(warmedUp);
        assertThat(verifier.snapshot().clients()).hasSize(1);
        assertThat(await(verifier, v -> v.callerArn().isPresent()).callerArn()).contains(pod.nodeRoleCallerArn());
    }

    @Test
    void aClientWhoseFirstCallComesAfterTheAssociationIsConsistentBecomesReady() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS));
        IdentityVerifier verifier = verifier(config().build(), null).start();
        await(verifier, v -> v.state() == VerificationState.VERIFIED);

        assertThat(callerOf(appClient())).startsWith(EksPodSimulator.assumedRoleArn(ORDERS));

        VerificationSnapshot s = verifier.snapshot();
        assertThat(s.state()).isEqualTo(VerificationState.VERIFIED);
        assertThat(s.clients()).singleElement().satisfies(c -> {
            assertThat(c).containsEntry("service", "sts").containsEntry("identity", "expected")
                    .containsEntry("credentialSource", "CONTAINER");
            assertThat((String) c.get("accessKeyId")).matches("ASIA…\\w{4}");
        });
        // The app's key is the verifier's own key: identified by the attempt, so the guard made no call.
        assertThat(s.stsCalls()).isEqualTo(1);
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(2); // the attempt's and the app's own call
    }

    @Test
    void enforceRefusesTheStuckClientsRequestBeforeItIsSent() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS).associationConsistentAfter(Duration.ofHours(1)));
        IdentityVerifier verifier = verifier(config().guardMode(GuardMode.ENFORCE).build(), null);
        StsClient stuck = appClient();
        long before = pod.counters().stsGetCallerIdentityCalls();

        assertThatThrownBy(stuck::getCallerIdentity)
                .isInstanceOf(SdkClientException.class)
                .satisfies(e -> scenario.visible(e.getMessage()))
                .hasMessageContaining("role-probe (role-probe.guard.mode=enforce) refused to send this sts"
                        + " GetCallerIdentity request: it is signed as the node role")
                .hasMessageContaining("credentials from INSTANCE_PROFILE")
                .hasMessageContaining("not " + ORDERS)
                .hasMessageContaining("AWS_EC2_METADATA_DISABLED=true");
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(before);
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.WRONG_IDENTITY);

        pod.makeAssociationConsistent();
        // Still refused: the client's chain stays on the instance profile.
        assertThatThrownBy(stuck::getCallerIdentity).isInstanceOf(SdkClientException.class);
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(before);
    }

    @Test
    void enforceLetsTheVerifiedRoleThroughAndIdentifiesARotatedKeyOnce() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS).credentialsLifetime(Duration.ofHours(6)));
        IdentityVerifier verifier = verifier(config().guardMode(GuardMode.ENFORCE).build(), null).start();
        await(verifier, v -> v.state() == VerificationState.VERIFIED);
        long attemptsCalls = verifier.snapshot().stsCalls();

        StsClient app = appClient();
        assertThat(callerOf(app)).startsWith(EksPodSimulator.assumedRoleArn(ORDERS));
        assertThat(verifier.snapshot().stsCalls()).isEqualTo(attemptsCalls); // the verifier's key: no call

        // Static credentials of the same role, a key no attempt has seen: identified once, then passes without calls.
        SimulatedCredentials fresh = pod.issueCredentials(ORDERS, "rotated-session");
        StsClient rotated = appClient(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                fresh.accessKeyId(), fresh.secretAccessKey(), fresh.sessionToken())));
        for (int i = 0; i < 5; i++) {
            assertThat(callerOf(rotated)).isEqualTo(fresh.callerArn());
        }
        assertThat(verifier.snapshot().stsCalls()).isEqualTo(attemptsCalls + 1);
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.VERIFIED);
    }

    @Test
    void observeIdentifiesAnUnknownKeyInTheBackgroundWithOneCallForManyClients() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS));
        IdentityVerifier verifier = verifier(config().build(), null).start();
        await(verifier, v -> v.state() == VerificationState.VERIFIED);
        long calls = verifier.snapshot().stsCalls();

        SimulatedCredentials other = pod.issueCredentials("arn:aws:iam::111122223333:role/billing", "app-session");
        StaticCredentialsProvider shared = StaticCredentialsProvider.create(AwsSessionCredentials.create(
                other.accessKeyId(), other.secretAccessKey(), other.sessionToken()));
        List<StsClient> clients = List.of(appClient(shared), appClient(shared), appClient(shared));
        for (StsClient c : clients) {
            assertThat(callerOf(c)).isEqualTo(other.callerArn()); // observe mode: sent
        }

        VerificationSnapshot s = await(verifier, v -> v.state() == VerificationState.WRONG_IDENTITY);
        assertThat(s.wrongIdentityKind()).contains(WrongIdentityKind.OTHER);
        assertThat(s.callerArn()).contains(other.callerArn());
        assertThat(s.reason()).startsWith("The application's sts client (GetCallerIdentity) signed a request as "
                + other.callerArn() + " (credentials from STATIC").contains("2 more clients");
        assertThat(s.remedy()).contains(RoleProbeConfig.GUARD_ALLOWED_ROLE_ARNS);
        assertThat(s.stsCalls()).isEqualTo(calls + 1);
        // The pod's role stays what the verifier confirmed: liveness is not at stake for a client outside a pod env.
        assertThat(s.ready()).isFalse();
    }

    @Test
    void aRoleListedAsAllowedIsShownAsAllowedAndNeverTakenForThePodsIdentity() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS));
        IdentityVerifier verifier = verifier(config().guardAllowedRoleArns(List.of(REPORTS))
                .guardMode(GuardMode.ENFORCE).build(), null).start();
        await(verifier, v -> v.state() == VerificationState.VERIFIED);

        SimulatedCredentials crossAccount = pod.issueCredentials(REPORTS, "reports-session");
        StsClient reports = appClient(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                crossAccount.accessKeyId(), crossAccount.secretAccessKey(), crossAccount.sessionToken())));
        assertThat(callerOf(reports)).isEqualTo(crossAccount.callerArn());

        VerificationSnapshot s = verifier.snapshot();
        assertThat(s.state()).isEqualTo(VerificationState.VERIFIED);
        assertThat(s.callerArn()).hasValueSatisfying(arn -> assertThat(arn).contains(":assumed-role/orders/"));
        assertThat(s.clients()).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("identity", "allowed").containsEntry("callerArn", crossAccount.callerArn()));
    }

    @Test
    void requestsWithoutAwsCredentialsAndRoleProbesOwnCallsPassUntouched() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS));
        IdentityVerifier verifier = verifier(config().guardMode(GuardMode.ENFORCE).build(), null).start();
        await(verifier, v -> v.state() == VerificationState.VERIFIED);

        StsClient anonymous = appClient(AnonymousCredentialsProvider.create());
        // Sent unsigned (STS rejects it), not refused by the guard.
        assertThatThrownBy(anonymous::getCallerIdentity).isInstanceOf(SdkException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("role-probe"));
        assertThat(verifier.snapshot().clients()).isEmpty();
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.VERIFIED);
    }

    @Test
    void identificationsBeyondTheHourlyBudgetAreNotSentAndEnforceRefusesThoseKeys() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS));
        ManualClock clock = new ManualClock(Instant.now());
        IdentityVerifier verifier = verifier(config().guardMode(GuardMode.ENFORCE).guardIdentificationsPerHour(2)
                .build(), clock).start();
        await(verifier, v -> v.state() == VerificationState.VERIFIED);
        long calls = verifier.snapshot().stsCalls();

        List<StsClient> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SimulatedCredentials c = pod.issueCredentials(ORDERS, "session-" + i);
            clients.add(appClient(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                    c.accessKeyId(), c.secretAccessKey(), c.sessionToken()))));
        }
        callerOf(clients.get(0));
        callerOf(clients.get(1));
        assertThatThrownBy(clients.get(2)::getCallerIdentity)
                .isInstanceOf(SdkClientException.class)
                .hasMessageContaining("role-probe.guard.identifications-per-hour (2) is spent for this hour");
        assertThat(verifier.snapshot().stsCalls()).isEqualTo(calls + 2);

        clock.advance(Duration.ofMinutes(31)); // one token back (2 per hour: one every 30 minutes)
        callerOf(clients.get(2));
        assertThat(verifier.snapshot().stsCalls()).isEqualTo(calls + 3);
    }

    @Test
    void guardOffSeesNothing() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS).associationConsistentAfter(Duration.ofHours(1)));
        IdentityVerifier verifier = verifier(config().guardMode(GuardMode.OFF).build(), null);
        assertThat(verifier.guard()).isEmpty();

        assertThat(callerOf(appClient())).isEqualTo(pod.nodeRoleCallerArn());

        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.PENDING);
        assertThat((Map<String, Object>) verifier.snapshot().details()).containsEntry("guard", "off")
                .doesNotContainKey("clients");
    }

    @Test
    void aClosedVerifiersGuardNoLongerSeesRequests() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS).associationConsistentAfter(Duration.ofHours(1)));
        IdentityVerifier verifier = verifier(config().guardMode(GuardMode.ENFORCE).build(), null);
        verifier.close();

        assertThat(callerOf(appClient())).isEqualTo(pod.nodeRoleCallerArn());
        assertThat(verifier.guard()).hasValueSatisfying(g -> assertThat(g.active()).isFalse());
        assertThat(verifier.guard().get().services()).isEmpty();
        RequestGuard.forgetEarlyRequests(); // that request was remembered for a next verifier: not this test's subject
    }

    @Test
    void countsGuardedRequestsByServiceIdentityAndOutcome() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS).associationConsistentAfter(Duration.ofHours(1)));
        IdentityVerifier verifier = verifier(config().guardMode(GuardMode.ENFORCE).build(), null);
        StsClient stuck = appClient();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(stuck::getCallerIdentity).isInstanceOf(SdkClientException.class);
        }
        ServiceCounters sts = verifier.guard().orElseThrow().services().iterator().next();
        assertThat(sts.service()).isEqualTo("sts");
        assertThat(sts.count(RequestIdentity.NODE_ROLE, true)).isEqualTo(3);
        assertThat(sts.count(RequestIdentity.NODE_ROLE, false)).isZero();
        assertThat(verifier.snapshot().credentialSource()).contains(CredentialSource.INSTANCE_PROFILE);
    }

    private static StaticCredentialsProvider staticProvider(SimulatedCredentials c) {
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(),
                c.sessionToken()));
    }

    @Test
    void enforceWaitsForAnUnknownKeysIdentificationNoLongerThanTheStsTimeoutAndThenRefusesTheRequest()
            throws Exception {
        // STS holds every request for a minute; role-probe.sts-timeout is 1 s.
        start(EksPodSimulator.builder().podIdentity(ORDERS).stsLatency(Duration.ofMinutes(1)));
        IdentityVerifier verifier = verifier(config().guardMode(GuardMode.ENFORCE).stsTimeout(Duration.ofSeconds(1))
                .build(), null);
        StsClient app = appClient(staticProvider(pod.issueCredentials(ORDERS, "unknown-session")));

        // Bounded by the STS timeout, not by STS: the request fails long before STS would have answered.
        SdkClientException refused = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> catchThrowableOfType(SdkClientException.class, app::getCallerIdentity));
        scenario.visible(refused.getMessage());
        assertThat(refused.getMessage())
                .startsWith("role-probe (role-probe.guard.mode=enforce) refused to send this sts GetCallerIdentity"
                        + " request: it is signed as an identity that is not confirmed (STS could not identify it: STS"
                        + " did not answer within 1000 ms) (credentials from STATIC, access key ASIA…")
                .contains("), not " + ORDERS + ". Wait for STS to identify the key, or check"
                        + " role-probe.guard.identifications-per-hour and network access to STS.");
        // The identification reached STS (and timed out); the application's own request was never sent.
        assertThat(verifier.snapshot().stsCalls()).isEqualTo(1);
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
        // The next request tries again, with the same bound.
        SdkClientException again = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> catchThrowableOfType(SdkClientException.class, app::getCallerIdentity));
        scenario.visible(again.getMessage());
        assertThat(again.getMessage()).isEqualTo(refused.getMessage());
        assertThat(verifier.stsCalls()).isEqualTo(2); // the snapshot's count follows at its next change
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(2);
    }

    @Test
    void aWrongClientRecoversWhenTheSameClientSignsWithTheExpectedRole() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS).associationConsistentAfter(Duration.ofHours(1)));
        IdentityVerifier verifier = verifier(config().build(), null).start();
        // One client whose provider the application switches (a provider of its own, wrapping the SDK's providers):
        // first the instance profile (the node role), then the EKS Pod Identity agent.
        AtomicReference<AwsCredentialsProvider> current = new AtomicReference<>(
                InstanceProfileCredentialsProvider.create());
        StsClient app = appClient(() -> current.get().resolveCredentials());

        assertThat(callerOf(app)).isEqualTo(pod.nodeRoleCallerArn());
        assertThat(await(verifier, v -> v.state() == VerificationState.WRONG_IDENTITY).wrongIdentityKind())
                .contains(WrongIdentityKind.NODE_ROLE);

        pod.makeAssociationConsistent();
        ContainerCredentialsProvider agent = ContainerCredentialsProvider.builder().build();
        scenario.add(agent);
        current.set(agent);
        assertThat(callerOf(app)).startsWith(EksPodSimulator.assumedRoleArn(ORDERS));

        VerificationSnapshot s = await(verifier, v -> v.state() == VerificationState.VERIFIED);
        assertThat(s.ready()).isTrue();
        assertThat(s.clients()).singleElement().satisfies(c -> assertThat(c).containsEntry("identity", "expected")
                .containsEntry("credentialSource", "CONTAINER").doesNotContainKey("wrongSince"));
    }

    @Test
    void clientsThatSignedWithTheNodeRoleBeforeAnyVerifierExistedAreRememberedUpTo64() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS).associationConsistentAfter(Duration.ofHours(1)));
        InstanceProfileCredentialsProvider imds = InstanceProfileCredentialsProvider.create();
        scenario.add(imds);
        for (int i = 0; i < 70; i++) {
            callerOf(appClient(imds)); // 70 clients warmed up on the node role, before the verifier exists
        }

        IdentityVerifier verifier = verifier(config().build(), null);

        VerificationSnapshot s = verifier.snapshot();
        assertThat(s.state()).isEqualTo(VerificationState.WRONG_IDENTITY);
        assertThat(s.reason()).contains(" 63 more clients");
        assertThat(s.clients()).hasSize(RequestGuard.MAX_CLIENTS_IN_DETAILS);
    }

    @Test
    void observeQueuesAtMost16UnknownKeysAndIdentifiesTheOthersOnTheirNextRequest() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS));
        ManualClock clock = new ManualClock(Instant.now());
        ManualScheduler scheduler = new ManualScheduler();
        IdentityVerifier verifier = verifier(config().build(), clock, scheduler).start();
        scheduler.runImmediateTasks(); // the first attempt
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.VERIFIED);
        long attemptCalls = verifier.snapshot().stsCalls();

        List<StsClient> clients = new ArrayList<>();
        for (int i = 0; i < 18; i++) {
            clients.add(appClient(staticProvider(pod.issueCredentials("arn:aws:iam::111122223333:role/billing",
                    "billing-" + i))));
            callerOf(clients.get(i)); // observe mode: sent; the identification waits for the verifier's thread
        }
        assertThat(verifier.snapshot().clients()).filteredOn(c -> "identification queue full".equals(c.get("note")))
                .hasSize(2);

        scheduler.runImmediateTasks(); // the background identifications: the 16 queued keys
        assertThat(verifier.snapshot().stsCalls()).isEqualTo(attemptCalls + 16);
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.WRONG_IDENTITY);

        clock.advance(Duration.ofSeconds(2));
        callerOf(clients.get(16));
        callerOf(clients.get(17));
        scheduler.runImmediateTasks();
        assertThat(verifier.snapshot().stsCalls()).isEqualTo(attemptCalls + 18);
        assertThat(verifier.snapshot().reason()).contains(" 17 more clients");
    }
}
