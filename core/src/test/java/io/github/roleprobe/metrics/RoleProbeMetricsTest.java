package io.github.roleprobe.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.arn.IamRoleArn;
import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.credentials.ApplicationCredentials;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.testkit.AgentFailure;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.StsCallAccounting;
import io.github.roleprobe.testkit.ImdsMode;
import io.github.roleprobe.testkit.StsFailure;
import io.github.roleprobe.verify.AttemptReport;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.VerificationListener;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.github.roleprobe.verify.VerificationState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * Every meter of {@link RoleProbeMetrics}, read from a {@link SimpleMeterRegistry} while the verifier runs
 * through the real AWS SDK providers against the testkit's simulated EKS pod.
 */
class RoleProbeMetricsTest {

    private static final String ORDERS = "arn:aws:iam::111122223333:role/orders";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Set<String> ALLOWED_TAG_KEYS = Set.of("state", "outcome", "source", "result", "role");

    private final List<AutoCloseable> closeables = new ArrayList<>();
    /** After each attempt: the state gauges as the registry showed them right after the metrics listener ran. */
    private final List<Map<String, Double>> gaugesAfterAttempt = new CopyOnWriteArrayList<>();
    private final List<AttemptReport> reports = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private EksPodSimulator pod;
    private RoleProbeMetrics metrics;

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        if (pod != null) {
            StsCallAccounting.assertCountsMatch(pod, closeables);
        }
        registry.close();
    }

    private EksPodSimulator start(EksPodSimulator.Builder builder) {
        pod = builder.start();
        closeables.add(pod);
        pod.applySystemProperties();
        return pod;
    }

    private static RoleProbeConfig.Builder fastConfig() {
        return RoleProbeConfig.builder()
                .roleArns(List.of(ORDERS))
                .backoffInitial(Duration.ofMillis(20))
                .backoffMax(Duration.ofMillis(200))
                // Long enough that a loaded machine never times out a request STS then answers (a second call).
                .stsTimeout(Duration.ofSeconds(15));
    }

    /** A verifier with the metrics listener first, then a listener that reads the gauges after each attempt. */
    private IdentityVerifier verifier(RoleProbeConfig config, ApplicationCredentials credentials, boolean bindNow) {
        metrics = new RoleProbeMetrics(config.roleArns());
        if (bindNow) {
            metrics.bindTo(registry);
        }
        IdentityVerifier.Builder builder = IdentityVerifier.builder()
                .config(config)
                .environment(PodEnvironment.of(pod.environment()))
                .listener(metrics)
                .listener(new VerificationListener() {
                    @Override
                    public void attemptFinished(AttemptReport report) {
                        reports.add(report);
                        if (bindNow) {
                            gaugesAfterAttempt.add(stateGauges());
                        }
                    }
                });
        if (credentials != null) {
            builder.credentials(credentials);
        }
        IdentityVerifier verifier = builder.build();
        closeables.add(verifier);
        return verifier;
    }

    /**
     * Waits for a snapshot that satisfies {@code condition} and whose attempt every listener has seen (the verifier
     * publishes the snapshot before it calls the listeners).
     */
    private VerificationSnapshot await(IdentityVerifier verifier, Predicate<VerificationSnapshot> condition)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            VerificationSnapshot s = verifier.snapshot();
            if (condition.test(s) && reports.size() >= s.attempts()) {
                return s;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("condition not reached within " + WAIT + "; last: " + verifier.snapshot());
    }

    // ---- reading meters -------------------------------------------------------------------------------

    private Map<String, Double> stateGauges() {
        Map<String, Double> values = new LinkedHashMap<>();
        for (Gauge g : registry.find(RoleProbeMetrics.STATE).gauges()) {
            values.put(g.getId().getTag("state"), g.value());
        }
        return values;
    }

    private double stsCalls(String result) {
        return registry.get(RoleProbeMetrics.STS_CALLS).tag("result", result).functionCounter().count();
    }

    private double stsCallsTotal() {
        return registry.get(RoleProbeMetrics.STS_CALLS).functionCounters().stream()
                .mapToDouble(FunctionCounter::count).sum();
    }

    private double nodeRoleDetections() {
        return registry.get(RoleProbeMetrics.NODE_ROLE_DETECTIONS).functionCounter().count();
    }

    /** @return attempt counts by "outcome/source" */
    private Map<String, Double> attempts() {
        return registry.find(RoleProbeMetrics.ATTEMPTS).functionTimers().stream().collect(Collectors.toMap(
                t -> t.getId().getTag("outcome") + "/" + t.getId().getTag("source"), FunctionTimer::count));
    }

    private double attemptsTotal() {
        return attempts().values().stream().mapToDouble(Double::doubleValue).sum();
    }

    private Timer timeToVerified() {
        return registry.get(RoleProbeMetrics.TIME_TO_VERIFIED).timer();
    }

    private static Map<String, Double> onlyStateSet(String state) {
        Map<String, Double> expected = new LinkedHashMap<>();
        for (StateTag s : StateTag.values()) {
            expected.put(s.tagValue(), s.tagValue().equals(state) ? 1.0 : 0.0);
        }
        return expected;
    }

    private void assertTagsBoundedAndSecretFree() {
        List<Meter> meters = registry.getMeters();
        assertThat(meters).isNotEmpty().allSatisfy(m -> {
            assertThat(m.getId().getName()).startsWith("role.probe.");
            for (Tag tag : m.getId().getTags()) {
                if (m.getId().getName().startsWith(RoleProbeMetrics.TIME_TO_VERIFIED) && tag.getKey().equals("le")) {
                    continue; // the registry's own bucket gauges of the time-to-verified histogram
                }
                assertThat(ALLOWED_TAG_KEYS).contains(tag.getKey());
                assertThat(tag.getValue()).matches("[a-z_,]+|orders");
                assertThat(tag.getValue()).doesNotContain("arn:", "111122223333", "i-0", "eks-");
                for (String secret : pod.issuedSecrets()) {
                    assertThat(tag.getValue()).doesNotContain(secret);
                }
            }
            assertThat(m.getId().getTag("role")).isEqualTo("orders");
        });
    }

    // ---- scenarios --------------------------------------------------------------------------------------

    @Test
    void nodeRoleUntilTheAssociationIsConsistentThenVerified() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS)
                .associationConsistentAfter(Duration.ofHours(1))
                .agentFailure(AgentFailure.SERVER_ERROR_500)
                .imds(ImdsMode.NODE_ROLE));
        IdentityVerifier verifier = verifier(fastConfig().build(), null, true);
        assertThat(stateGauges()).as("before start").isEqualTo(onlyStateSet("pending"));
        assertThat(timeToVerified().count()).isZero();
        verifier.start();

        await(verifier, s -> s.state() == VerificationState.WRONG_IDENTITY);
        assertThat(stateGauges()).isEqualTo(onlyStateSet("wrong_identity_node_role"));
        assertThat(nodeRoleDetections()).isEqualTo(1.0);
        // The consistency delay of this scenario: the association becomes effective this long after the start.
        Duration consistencyDelay = Duration.ofMillis(1500);
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), verifier.createdAt().plus(consistencyDelay)).toMillis()));
        pod.makeAssociationConsistent();
        VerificationSnapshot verified = await(verifier, s -> s.state() == VerificationState.VERIFIED);
        // The snapshot is published before the listeners run: wait for this test's listener to record the attempt.
        Instant until = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(until) && (gaugesAfterAttempt.size() != reports.size()
                || reports.stream().noneMatch(r -> r.current().state() == VerificationState.VERIFIED))) {
            Thread.sleep(5);
        }

        assertThat(stateGauges()).isEqualTo(onlyStateSet("verified"));
        assertThat(gaugesAfterAttempt).as("the gauges after each attempt show exactly the published state")
                .hasSameSizeAs(reports);
        for (int i = 0; i < reports.size(); i++) {
            assertThat(gaugesAfterAttempt.get(i)).isEqualTo(onlyStateSet(StateTag.of(reports.get(i).current()).tagValue()));
        }
        assertThat(gaugesAfterAttempt).contains(onlyStateSet("wrong_identity_node_role"), onlyStateSet("verified"));
        // Node role once (its key is not sent to STS again), then the pod's role once.
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(2);
        assertThat(stsCalls("success")).isEqualTo(2.0);
        assertThat(stsCallsTotal()).isEqualTo(2.0);
        assertThat(stsCalls("throttled") + stsCalls("unavailable") + stsCalls("rejected") + stsCalls("misconfigured"))
                .isZero();
        assertThat(nodeRoleDetections()).as("counted on entry, not per attempt").isEqualTo(1.0);
        assertThat(attemptsTotal()).isEqualTo(verified.attempts()).isEqualTo(reports.size());
        assertThat(attempts()).containsEntry("verified/container", 1.0)
                .containsKey("wrong_identity_node_role/instance_profile");
        assertThat(registry.find(RoleProbeMetrics.ATTEMPTS).functionTimers()).allSatisfy(t ->
                assertThat(t.totalTime(TimeUnit.NANOSECONDS)).isPositive());

        Duration expected = Duration.between(verifier.createdAt(), verified.firstVerified().orElseThrow());
        Timer ttv = timeToVerified();
        assertThat(ttv.count()).isEqualTo(1);
        assertThat(ttv.totalTime(TimeUnit.NANOSECONDS)).isEqualTo((double) expected.toNanos());
        assertThat(Duration.ofNanos((long) ttv.totalTime(TimeUnit.NANOSECONDS))).isGreaterThanOrEqualTo(consistencyDelay);
        CountAtBucket[] buckets = ttv.takeSnapshot().histogramCounts();
        assertThat(buckets).hasSize(RoleProbeMetrics.TIME_TO_VERIFIED_BUCKETS.length);
        assertThat(Arrays.stream(buckets).filter(b -> b.bucket(TimeUnit.NANOSECONDS) >= expected.toNanos()))
                .allSatisfy(b -> assertThat(b.count()).isEqualTo(1.0));
        assertThat(Arrays.stream(buckets).filter(b -> b.bucket(TimeUnit.NANOSECONDS) < expected.toNanos()))
                .allSatisfy(b -> assertThat(b.count()).isZero());

        // Refreshes without STS calls add attempts but never a second time-to-verified.
        verifier.verifyNow().get(10, TimeUnit.SECONDS);
        assertThat(timeToVerified().count()).isEqualTo(1);
        assertThat(attempts().get("verified/container")).isEqualTo(2.0);
        assertTagsBoundedAndSecretFree();
    }

    @Test
    void notInjectedCountsAttemptsBySourceAndAsksStsOnceAboutTheNodeRole() throws Exception {
        start(EksPodSimulator.builder().inKubernetes(true).imds(ImdsMode.NODE_ROLE));
        IdentityVerifier verifier = verifier(fastConfig().build(), null, true).start();

        VerificationSnapshot s = await(verifier, v -> v.state() == VerificationState.NOT_INJECTED && v.attempts() >= 3);

        assertThat(stateGauges()).isEqualTo(onlyStateSet("not_injected"));
        assertThat(attempts()).containsOnlyKeys("not_injected/instance_profile");
        assertThat(attempts().get("not_injected/instance_profile")).isGreaterThanOrEqualTo(3.0);
        // The chain fell through to IMDS: STS is asked once whether that key is an expected role, then cached.
        assertThat(stsCallsTotal()).isEqualTo(1.0);
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
        assertThat(s.stsCalls()).isEqualTo(1);
        // NOT_INJECTED is its own alert: it is not counted as a node-role detection.
        assertThat(nodeRoleDetections()).isZero();
        assertThat(timeToVerified().count()).isZero();
        assertTagsBoundedAndSecretFree();
    }

    @Test
    void stsThrottlingIsCountedByResultAndEveryAttemptIsOneStsCall() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS).stsFailFirst(3, StsFailure.THROTTLING));
        IdentityVerifier verifier = verifier(fastConfig().build(), null, true).start();

        VerificationSnapshot verified = await(verifier, s -> s.state() == VerificationState.VERIFIED);

        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(4);
        assertThat(stsCalls("throttled")).isEqualTo(3.0);
        assertThat(stsCalls("success")).isEqualTo(1.0);
        assertThat(stsCallsTotal()).isEqualTo(pod.counters().stsGetCallerIdentityCalls());
        assertThat(attemptsTotal()).as("one STS call per attempt here")
                .isEqualTo(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(verified.attempts());
        assertThat(attempts()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "sts_unavailable/container", 3.0, "verified/container", 1.0));
        assertThat(List.copyOf(gaugesAfterAttempt).subList(0, 3)).allSatisfy(g -> assertThat(g).isEqualTo(onlyStateSet("sts_unavailable")));
        assertThat(timeToVerified().count()).isEqualTo(1);
        assertThat(timeToVerified().totalTime(TimeUnit.NANOSECONDS)).isEqualTo(
                (double) Duration.between(verifier.createdAt(), verified.firstVerified().orElseThrow()).toNanos());
        assertTagsBoundedAndSecretFree();
    }

    @Test
    void chainStuckOnTheNodeRoleIsDetectedOnceAndCostsOneStsCall() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS)
                .associationConsistentAfterRequests(1_000)
                .imds(ImdsMode.NODE_ROLE));
        DefaultCredentialsProvider appChain = DefaultCredentialsProvider.builder().build();
        closeables.add(appChain);
        appChain.resolveCredentials(); // the app's first call, before the agent was ready: falls to IMDS
        pod.makeAssociationConsistent();
        IdentityVerifier verifier = verifier(fastConfig().build(), ApplicationCredentials.of(appChain), true).start();

        await(verifier, s -> s.state() == VerificationState.WRONG_IDENTITY && s.attempts() >= 4);

        assertThat(stateGauges()).isEqualTo(onlyStateSet("wrong_identity_node_role"));
        assertThat(nodeRoleDetections()).isEqualTo(1.0);
        assertThat(stsCalls("success")).isEqualTo(1.0);
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
        assertThat(attempts().get("wrong_identity_node_role/instance_profile")).as("attempts go on without STS calls")
                .isGreaterThanOrEqualTo(4.0);
        assertThat(timeToVerified().count()).isZero();
        assertTagsBoundedAndSecretFree();
    }

    @Test
    void aRegistryBoundAfterVerificationSeesEverythingSinceTheStart() throws Exception {
        start(EksPodSimulator.builder().podIdentity(ORDERS).stsFailFirst(1, StsFailure.THROTTLING));
        IdentityVerifier verifier = verifier(fastConfig().build(), null, false).start();
        VerificationSnapshot verified = await(verifier, s -> s.state() == VerificationState.VERIFIED);

        metrics.bindTo(registry);
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        metrics.bindTo(second);
        metrics.bindTo(registry); // again: no effect

        for (SimpleMeterRegistry r : List.of(registry, second)) {
            assertThat(r.get(RoleProbeMetrics.STATE).tag("state", "verified").gauge().value()).isEqualTo(1.0);
            assertThat(r.get(RoleProbeMetrics.STS_CALLS).tag("result", "throttled").functionCounter().count()).isEqualTo(1.0);
            assertThat(r.get(RoleProbeMetrics.STS_CALLS).tag("result", "success").functionCounter().count()).isEqualTo(1.0);
            assertThat(r.get(RoleProbeMetrics.ATTEMPTS).tag("outcome", "sts_unavailable").functionTimer().count()).isEqualTo(1.0);
            Timer ttv = r.get(RoleProbeMetrics.TIME_TO_VERIFIED).timer();
            assertThat(ttv.count()).isEqualTo(1);
            assertThat(ttv.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(
                    (double) Duration.between(verifier.createdAt(), verified.firstVerified().orElseThrow()).toNanos());
        }
        assertThat(registry.get(RoleProbeMetrics.TIME_TO_VERIFIED).timers()).hasSize(1);
        second.close();
    }

    @Test
    void roleTagIsTheRoleNameNeverTheArn() {
        IamRoleArn orders = IamRoleArn.parse("t", "arn:aws:iam::111122223333:role/team/app/orders");
        IamRoleArn ordersAgain = IamRoleArn.parse("t", "arn:aws-cn:iam::444455556666:role/ORDERS");
        IamRoleArn payments = IamRoleArn.parse("t", "arn:aws:iam::111122223333:role/payments");
        assertThat(RoleProbeMetrics.roleTag(List.of(orders))).isEqualTo("orders");
        assertThat(RoleProbeMetrics.roleTag(List.of(orders, ordersAgain, payments))).isEqualTo("orders,payments");
        assertThat(RoleProbeMetrics.roleTag(List.of())).isEqualTo("none");
    }

    @Test
    void stateTagsAreTheDocumentedLowerCaseValues() {
        assertThat(Arrays.stream(StateTag.values()).map(StateTag::tagValue)).containsExactly(
                "pending", "verified", "wrong_identity_node_role", "wrong_identity_other", "no_credentials",
                "not_injected", "sts_unavailable", "misconfigured");
    }
}
