package io.github.roleprobe.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.credentials.ApplicationCredentials;
import io.github.roleprobe.credentials.CredentialSource;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.testkit.AgentFailure;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.testkit.ImdsMode;
import io.github.roleprobe.testkit.StsFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * The verifier through the real AWS SDK credential providers and STS client against the testkit's
 * simulated EKS pod on loopback.
 */
class IdentityVerifierScenariosTest {

    private static final String ORDERS = "arn:aws:iam::111122223333:role/orders";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final PodScenario scenario = new PodScenario();
    private final List<VerificationSnapshot> published = new CopyOnWriteArrayList<>();
    private final List<AttemptReport> reports = new CopyOnWriteArrayList<>();
    private EksPodSimulator pod;

    @AfterEach
    void noSecretLeftTheVerifierAndEverythingIsClosed() throws Exception {
        published.forEach(s -> {
            scenario.visible(s.toString());
            scenario.visible(s.details().toString());
        });
        scenario.close();
    }

    private EksPodSimulator start(EksPodSimulator.Builder builder) {
        pod = scenario.startPod(builder);
        return pod;
    }

    private RoleProbeConfig.Builder fastConfig() {
        return RoleProbeConfig.builder()
                .roleArns(List.of(ORDERS))
                .backoffInitial(Duration.ofMillis(20))
                .backoffMax(Duration.ofMillis(200))
                .stsTimeout(Duration.ofSeconds(10));
    }

    private IdentityVerifier verifier(RoleProbeConfig config, ApplicationCredentials credentials) {
        IdentityVerifier.Builder builder = IdentityVerifier.builder()
                .config(config)
                .environment(PodEnvironment.of(pod.environment()))
                .listener(new LoggingListener())
                .listener(new VerificationListener() {
                    @Override
                    public void attemptFinished(AttemptReport report) {
                        published.add(report.current());
                        reports.add(report);
                    }
                });
        if (credentials != null) {
            builder.credentials(credentials);
        }
        IdentityVerifier verifier = builder.build();
        scenario.add(verifier);
        return verifier;
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

    /**
     * Waits (at most {@link #WAIT}) until the snapshots published so far satisfy {@code condition}.
     *
     * @return a copy of them: the verifier thread goes on publishing (a sub-list of the live list fails on that)
     */
    private List<VerificationSnapshot> awaitPublished(Predicate<List<VerificationSnapshot>> condition)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        List<VerificationSnapshot> all = List.copyOf(published);
        while (!condition.test(all) && Instant.now().isBefore(deadline)) {
            Thread.sleep(10);
            all = List.copyOf(published);
        }
        return all;
    }

    /** @return the index of the first VERIFIED snapshot in {@code snapshots}; fails when there is none */
    private static int firstVerified(List<VerificationSnapshot> snapshots) {
        for (int i = 0; i < snapshots.size(); i++) {
            if (snapshots.get(i).state() == VerificationState.VERIFIED) {
                return i;
            }
        }
        throw new AssertionError("no VERIFIED snapshot among " + snapshots.size());
    }

    private static Predicate<VerificationSnapshot> in(VerificationState state) {
        return s -> s.state() == state;
    }

    @Test
    void podIdentityConsistentFromTheStartIsVerifiedByTheFirstAttemptWithOneStsCall() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS));
        IdentityVerifier verifier = verifier(RoleProbeConfig.builder().roleArns(List.of(ORDERS)).build(), null).start();

        VerificationSnapshot s = await(verifier, in(VerificationState.VERIFIED));

        assertThat(s.attempts()).isEqualTo(1);
        assertThat(s.stsCalls()).isEqualTo(1);
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
        assertThat(s.callerArn()).hasValueSatisfying(arn ->
                assertThat(arn).startsWith("arn:aws:sts::111122223333:assumed-role/orders/eks-"));
        assertThat(s.credentialSource()).contains(CredentialSource.CONTAINER);
        assertThat(s.ready()).isTrue();
        assertThat(verifier.live()).isTrue();
        assertThat(s.firstVerified()).isPresent();
    }

    @Test
    void agentErrorsWhileImdsServesTheNodeRoleNeverVerifyNodeCredentialsAndVerifyOnceConsistent() throws Exception {
        // Taken before the simulator starts its 3 s: the association cannot be consistent sooner after it.
        Instant started = Instant.now();
        start(EksPodSimulator.builder().podIdentity(ORDERS)
                .associationConsistentAfter(Duration.ofSeconds(3))
                // 403 is not retried by the SDK's container provider: the chain moves on to IMDS at once.
                .agentFailure(AgentFailure.FORBIDDEN_403)
                .imds(ImdsMode.NODE_ROLE));
        IdentityVerifier verifier = verifier(fastConfig().build(), null).start();

        VerificationSnapshot verified = await(verifier, in(VerificationState.VERIFIED));

        assertThat(Duration.between(started, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(verified.callerArn()).hasValueSatisfying(arn -> assertThat(arn).contains(":assumed-role/orders/"));
        // The listener may hear of VERIFIED just after the snapshot shows it.
        List<VerificationSnapshot> all = awaitPublished(
                p -> p.stream().anyMatch(s -> s.state() == VerificationState.VERIFIED));
        List<VerificationSnapshot> before = all.subList(0, firstVerified(all));
        assertThat(before).isNotEmpty().allSatisfy(s -> {
            assertThat(s.ready()).isFalse();
            assertThat(s.state()).isIn(VerificationState.WRONG_IDENTITY, VerificationState.NO_CREDENTIALS);
        });
        assertThat(before).anySatisfy(s -> {
            assertThat(s.wrongIdentityKind()).contains(WrongIdentityKind.NODE_ROLE);
            assertThat(s.callerArn()).contains(pod.nodeRoleCallerArn());
        });
        // role-probe's own default chain is fresh on every attempt: a restart could not do better.
        assertThat(before).allSatisfy(s -> assertThat(s.livenessDeadline()).isEmpty());
        assertThat(published).filteredOn(VerificationSnapshot::ready)
                .allSatisfy(s -> assertThat(s.callerArn()).isNotEqualTo(pod.nodeRoleCallerArn()));
        // One access key id always has one identity: the node role is asked about once.
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(2);
        assertThat(reports.stream().filter(r -> r.stsCall().isPresent()).count()).isEqualTo(2);
    }

    @Test
    void longLivedChainStuckOnInstanceProfileIsNodeRoleAndFailsLivenessAfterGrace() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS)
                .associationConsistentAfterRequests(1_000)
                .agentFailure(AgentFailure.FORBIDDEN_403)
                .imds(ImdsMode.NODE_ROLE));
        DefaultCredentialsProvider appChain = DefaultCredentialsProvider.builder().build();
        scenario.add(appChain);
        appChain.resolveCredentials(); // the app's first call, while the agent was not ready: falls to IMDS
        pod.makeAssociationConsistent();
        IdentityVerifier verifier = verifier(fastConfig().livenessGrace(Duration.ofMillis(500)).build(),
                ApplicationCredentials.of(appChain)).start();

        VerificationSnapshot wrong = await(verifier, in(VerificationState.WRONG_IDENTITY));
        assertThat(wrong.wrongIdentityKind()).contains(WrongIdentityKind.NODE_ROLE);
        assertThat(wrong.credentialSource()).contains(CredentialSource.INSTANCE_PROFILE);
        assertThat(wrong.callerArn()).contains("arn:aws:sts::111122223333:assumed-role/eks-node-group-role/i-0123456789abcdef0");
        assertThat(wrong.remedy()).contains("restart");
        assertThat(wrong.livenessDeadline()).contains(wrong.stateSince().plusMillis(500));
        assertThat(wrong.live(wrong.stateSince())).isTrue();

        await(verifier, s -> !s.live(Instant.now()));
        assertThat(verifier.live()).isFalse();
        assertThat(verifier.ready()).isFalse();
        assertThat(verifier.snapshot().attempts()).isGreaterThan(1);
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
    }

    @Test
    void kubernetesWithoutInjectedEnvironmentIsNotInjectedReadyDownLiveUp() throws Exception {
        start(EksPodSimulator.builder().inKubernetes(true).imds(ImdsMode.NODE_ROLE));
        IdentityVerifier verifier = verifier(fastConfig().livenessGrace(Duration.ZERO).build(), null).start();

        VerificationSnapshot s = await(verifier, v -> v.state() == VerificationState.NOT_INJECTED && v.attempts() >= 3);

        assertThat(s.ready()).isFalse();
        assertThat(s.live(Instant.now().plusSeconds(3600))).isTrue();
        assertThat(s.remedy()).contains("Recreate the pod").contains("container restart keeps the same environment");
        assertThat(s.reason()).contains("neither EKS Pod Identity").contains(pod.nodeRoleCallerArn());
        // The node role's access key is asked about once, not on every attempt.
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
    }

    @Test
    void kubernetesWithoutInjectedEnvironmentStillVerifiesAnExpectedRoleFromElsewhere() throws Exception {
        // kube2iam-style: IMDS serves the role the application expects.
        start(EksPodSimulator.builder().inKubernetes(true).imds(ImdsMode.NODE_ROLE));
        IdentityVerifier verifier = verifier(fastConfig().roleArns(List.of(pod.nodeRoleArn())).build(), null).start();

        VerificationSnapshot s = await(verifier, in(VerificationState.VERIFIED));

        assertThat(s.callerArn()).contains(pod.nodeRoleCallerArn());
    }

    @Test
    void irsaRoleWithPathIsExpectedFromAwsRoleArnAndVerified() throws Exception {
        String withPath = "arn:aws:iam::111122223333:role/team/app/orders";
        start(EksPodSimulator.builder().irsa(withPath));
        IdentityVerifier verifier = verifier(RoleProbeConfig.builder().build(), null).start();

        VerificationSnapshot s = await(verifier, in(VerificationState.VERIFIED));

        assertThat(s.expectedRoles()).containsExactly(withPath);
        assertThat(s.callerArn()).hasValueSatisfying(arn ->
                assertThat(arn).startsWith("arn:aws:sts::111122223333:assumed-role/orders/"));
        assertThat(s.credentialSource()).contains(CredentialSource.WEB_IDENTITY);
        assertThat(pod.counters().stsAssumeRoleWithWebIdentityCalls()).isEqualTo(1);
    }

    @Test
    void anotherRoleOfTheSameAccountIsWrongIdentityOther() throws Exception {
        start(EksPodSimulator.builder().podIdentity("arn:aws:iam::111122223333:role/payments"));
        IdentityVerifier verifier = verifier(fastConfig().build(), null).start();

        VerificationSnapshot s = await(verifier, in(VerificationState.WRONG_IDENTITY));

        assertThat(s.wrongIdentityKind()).contains(WrongIdentityKind.OTHER);
        assertThat(s.callerArn()).hasValueSatisfying(arn -> assertThat(arn).contains(":assumed-role/payments/"));
        assertThat(s.reason()).contains(ORDERS);
        assertThat(s.remedy()).contains("association");
        assertThat(s.ready()).isFalse();
        assertThat(s.livenessDeadline()).isEmpty();
    }

    @Test
    void stsThrottlingTenTimesBacksOffThenVerifies() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS).stsFailFirst(10, StsFailure.THROTTLING));
        AtomicInteger backoffDraws = new AtomicInteger();
        IdentityVerifier verifier = IdentityVerifier.builder()
                .config(fastConfig().backoffInitial(Duration.ofMillis(5)).backoffMax(Duration.ofMillis(40))
                        .backoffPersistentMax(Duration.ofMillis(80)).build())
                .environment(PodEnvironment.of(pod.environment()))
                .random(() -> {
                    backoffDraws.incrementAndGet();
                    return 1.0;
                })
                .listener(new VerificationListener() {
                    @Override
                    public void attemptFinished(AttemptReport report) {
                        published.add(report.current());
                        reports.add(report);
                    }
                })
                .build();
        scenario.add(verifier);
        verifier.start();

        VerificationSnapshot s = await(verifier, in(VerificationState.VERIFIED));

        assertThat(s.attempts()).isEqualTo(11);
        assertThat(s.stsCalls()).isEqualTo(11);
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(11);
        assertThat(backoffDraws).hasValue(10);
        assertThat(List.copyOf(published).subList(0, 10)).allSatisfy(p -> {
            assertThat(p.state()).isEqualTo(VerificationState.STS_UNAVAILABLE);
            assertThat(p.reason()).contains("Throttling");
        });
        assertThat(List.copyOf(reports).subList(0, 10)).allSatisfy(r ->
                assertThat(r.stsCall()).contains(io.github.roleprobe.sts.StsCallResult.THROTTLED));
        assertThat(reports.get(10).stsCall()).contains(io.github.roleprobe.sts.StsCallResult.SUCCESS);
        assertThat(reports.get(10).stateChanged()).isTrue();
    }

    @Test
    void stsOutageAfterVerificationKeepsReadinessUpMarkedStale() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS));
        IdentityVerifier verifier = verifier(fastConfig()
                .refreshInterval(Duration.ofMillis(250)).maxAge(Duration.ofMillis(100)).build(), null).start();
        VerificationSnapshot verified = await(verifier, in(VerificationState.VERIFIED));
        Instant confirmed = verified.lastConfirmed().orElseThrow();

        pod.stsDown(true);
        VerificationSnapshot stale = await(verifier, VerificationSnapshot::stale);

        assertThat(stale.state()).isEqualTo(VerificationState.VERIFIED);
        assertThat(stale.ready()).isTrue();
        assertThat(stale.lastConfirmed()).contains(confirmed);
        assertThat(stale.reason()).contains("renewing the confirmation failed").contains("503");

        // While STS is down, a stale verifier asks it once per refresh interval, not in a loop.
        long callsWhenStale = pod.counters().stsGetCallerIdentityCalls();
        Thread.sleep(1_000);
        assertThat(pod.counters().stsGetCallerIdentityCalls() - callsWhenStale).isLessThanOrEqualTo(5L);
        assertThat(verifier.ready()).isTrue();

        pod.stsDown(false);
        VerificationSnapshot renewed = await(verifier, s -> !s.stale() && s.lastConfirmed().get().isAfter(confirmed));
        assertThat(renewed.ready()).isTrue();
    }

    @Test
    void concurrentTriggersCoalesceIntoOneStsCallInFlight() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS).stsLatency(Duration.ofMillis(300)));
        IdentityVerifier verifier = verifier(fastConfig().build(), null);
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<CompletableFuture<VerificationSnapshot>>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return verifier.verifyNow();
                }, pool));
            }
            go.countDown();
            for (CompletableFuture<CompletableFuture<VerificationSnapshot>> call : calls) {
                assertThat(call.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS).state())
                        .isEqualTo(VerificationState.VERIFIED);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(pod.counters().maxConcurrentStsCalls()).isEqualTo(1);
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
        assertThat(verifier.snapshot().attempts()).isBetween(1L, 2L);
    }

    @Test
    void probeReadsNeverCallStsOrResolveCredentials() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS));
        IdentityVerifier verifier = verifier(RoleProbeConfig.builder().roleArns(List.of(ORDERS)).build(), null).start();
        await(verifier, in(VerificationState.VERIFIED));
        long sts = pod.counters().stsGetCallerIdentityCalls();
        long agent = pod.counters().agentRequests();

        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<Boolean>> reads = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                reads.add(CompletableFuture.supplyAsync(() -> verifier.ready() && verifier.live(), pool));
            }
            for (CompletableFuture<Boolean> read : reads) {
                assertThat(read.get(5, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(sts);
        assertThat(pod.counters().agentRequests()).isEqualTo(agent);
    }

    @Test
    void rotatedCredentialsAreConfirmedAgainWithoutLeavingReadiness() throws Exception {
        // The SDK treats container credentials as stale one minute before they expire and then must fetch
        // new ones: a 62 s lifetime makes it fetch again after about 2 s.
        start(EksPodSimulator.builder().podIdentity(ORDERS).credentialsLifetime(Duration.ofSeconds(62)));
        IdentityVerifier verifier = verifier(fastConfig().refreshInterval(Duration.ofMillis(50)).build(), null).start();
        VerificationSnapshot first = await(verifier, in(VerificationState.VERIFIED));

        pod.rotatePodIdentityCredentials();
        VerificationSnapshot rotated = await(verifier, s -> s.stsCalls() > first.stsCalls());

        assertThat(rotated.state()).isEqualTo(VerificationState.VERIFIED);
        assertThat(rotated.maskedAccessKeyId()).isNotEqualTo(first.maskedAccessKeyId());
        assertThat(published).allSatisfy(s -> assertThat(s.ready()).isTrue());
    }

    @Test
    void closingStopsTheVerifierThread() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS));
        IdentityVerifier verifier = verifier(fastConfig().build(), null).start();
        await(verifier, in(VerificationState.VERIFIED));

        verifier.close();

        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().equals(IdentityVerifier.THREAD_NAME) && t.isAlive());
        assertThat(verifier.verifyNow()).isCompleted();
    }

    @Test
    void noExpectedRoleInKubernetesIsMisconfigured() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS));
        IdentityVerifier verifier = verifier(RoleProbeConfig.builder().build(), null).start();

        VerificationSnapshot s = await(verifier, in(VerificationState.MISCONFIGURED));

        assertThat(s.reason()).contains("role-probe.role-arns");
        assertThat(s.remedy()).contains("role-probe.role-arns=arn:aws:iam::111122223333:role/orders");
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isZero();
    }

    @Test
    void unreachableAgentAndBlackHoleImdsIsNoCredentialsWhileProbesStillAnswer() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS)
                .associationConsistentAfterRequests(1_000)
                .agentFailure(AgentFailure.TIMEOUT)
                .imds(ImdsMode.BLACK_HOLE)
                .requestHold(Duration.ofSeconds(3)));
        IdentityVerifier verifier = verifier(fastConfig().build(), null).start();

        // While the first attempt hangs on the agent and IMDS, probe reads answer from the snapshot.
        assertThat(verifier.ready()).isFalse();
        assertThat(verifier.live()).isTrue();
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.PENDING);

        VerificationSnapshot s = await(verifier, in(VerificationState.NO_CREDENTIALS));
        assertThat(s.reason()).startsWith("The SDK default credential provider chain returned no credentials: EKS Pod"
                + " Identity: the agent at 127.0.0.1:" + pod.podIdentityAgentUri().getPort()
                + " accepted the connection but did not answer within 2000 ms");
        assertThat(s.remedy()).contains("eks-pod-identity-agent");
        assertThat(s.live(Instant.now().plusSeconds(3600))).isTrue();
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isZero();
    }

    @Test
    void malformedAndServerErrorAnswersAreStsUnavailable() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS).stsFailFirst(1, StsFailure.MALFORMED));
        pod.stsFailNext(1, StsFailure.INTERNAL_ERROR_500);
        IdentityVerifier verifier = verifier(fastConfig().build(), null).start();

        await(verifier, in(VerificationState.VERIFIED));

        assertThat(reports).filteredOn(r -> r.stsCall().filter(c -> c == io.github.roleprobe.sts.StsCallResult.UNAVAILABLE).isPresent())
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.current().state()).isEqualTo(VerificationState.STS_UNAVAILABLE))
                .anySatisfy(r -> assertThat(r.current().reason()).contains("500"));
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(3);
    }

    @Test
    void credentialsRejectedByStsAreNoCredentials() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS).stsFailFirst(1, StsFailure.EXPIRED_TOKEN));
        IdentityVerifier verifier = verifier(fastConfig().build(), null).start();

        await(verifier, in(VerificationState.VERIFIED));

        assertThat(published).anySatisfy(p -> {
            assertThat(p.state()).isEqualTo(VerificationState.NO_CREDENTIALS);
            assertThat(p.reason()).contains("ExpiredToken").contains("rejected");
        });
    }

    @Test
    void aKeyStsRejectsAfterVerificationIsNeverVerifiedAgainFromWhatWasKnownAboutIt() throws Exception {
        // The same Pod Identity key, confirmed once, is later rejected by STS (expired, revoked): the identity cached
        // for it must not turn the next attempt VERIFIED without STS (readiness would flap between the two).
        start(EksPodSimulator.builder().podIdentity(ORDERS));
        IdentityVerifier verifier = verifier(fastConfig()
                .refreshInterval(Duration.ofMillis(100)).maxAge(Duration.ofMillis(50)).build(), null).start();
        await(verifier, in(VerificationState.VERIFIED));

        pod.stsFailNext(1_000, StsFailure.EXPIRED_TOKEN);
        await(verifier, in(VerificationState.NO_CREDENTIALS));
        int rejectedAt = published.size();

        List<VerificationSnapshot> all = awaitPublished(p -> p.size() >= rejectedAt + 4);
        List<VerificationSnapshot> after = all.subList(rejectedAt, all.size());
        assertThat(after).as("attempts after the rejection").hasSizeGreaterThanOrEqualTo(4)
                .allSatisfy(s -> assertThat(s.state()).isEqualTo(VerificationState.NO_CREDENTIALS));
        assertThat(verifier.ready()).isFalse();
        // each snapshot carries the verifier's STS call count at its attempt's end: read from the snapshots, not
        // from the live counters, which the next attempt may already have moved
        assertThat(after.get(after.size() - 1).stsCalls() - all.get(rejectedAt - 1).stsCalls())
                .as("each of those attempts asked STS").isEqualTo(after.size());
    }

    @Test
    void noRegionAnywhereIsMisconfiguredNamingTheSetting() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("AWS_REGION") == null
                && System.getenv("AWS_DEFAULT_REGION") == null, "the test JVM's environment names a region");
        start(EksPodSimulator.builder().podIdentity(ORDERS).imds(ImdsMode.ABSENT));
        System.clearProperty("aws.region");
        IdentityVerifier verifier = verifier(fastConfig().build(), null).start();

        VerificationSnapshot s = await(verifier, in(VerificationState.MISCONFIGURED));

        assertThat(s.reason()).contains("role-probe.region").contains("AWS_REGION");
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isZero();
    }

    @Test
    void anAttemptThatSendsNothingToStsIsNotCountedAsAnStsCall() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("AWS_REGION") == null
                && System.getenv("AWS_DEFAULT_REGION") == null, "the test JVM's environment names a region");
        start(EksPodSimulator.builder().podIdentity(ORDERS).imds(ImdsMode.ABSENT));
        System.clearProperty("aws.region");
        IdentityVerifier verifier = verifier(fastConfig().build(), null).start();

        VerificationSnapshot s = await(verifier, v -> v.state() == VerificationState.MISCONFIGURED && v.attempts() >= 3);

        assertThat(s.stsCalls()).isZero().isEqualTo(pod.counters().stsGetCallerIdentityCalls());
        assertThat(reports).allSatisfy(r -> assertThat(r.stsCall()).isEmpty());
    }

    @Test
    void anStsEndpointThatRefusesConnectionsCountsNoStsCall() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS).imds(ImdsMode.ABSENT));
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        // A bound port nothing listens on: connecting to it is refused.
        try (java.net.Socket reserved = new java.net.Socket()) {
            reserved.setReuseAddress(true);
            reserved.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            IdentityVerifier verifier = verifier(fastConfig()
                    .stsEndpoint("http://127.0.0.1:" + reserved.getLocalPort()).build(), null).start();

            VerificationSnapshot s = await(verifier, v -> v.state() == VerificationState.STS_UNAVAILABLE
                    && v.attempts() >= 2);

            assertThat(s.stsCalls()).isZero();
            assertThat(s.reason()).contains("STS call failed");
        }
        assertThat(closedPort).isPositive();
    }
}
