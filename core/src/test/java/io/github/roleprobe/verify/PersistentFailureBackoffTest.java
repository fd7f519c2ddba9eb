package io.github.roleprobe.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.config.InvalidSettingException;
import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.credentials.ApplicationCredentials;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.testkit.ImdsMode;
import io.github.roleprobe.testkit.StsFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * STS calls stay bounded for a pod that never succeeds: failures that send requests to STS and persist back off to
 * {@code role-probe.backoff.persistent-max} with a floor of half the ceiling, throttling counts as persistent at once,
 * and an IRSA role that is not expected is known from the environment without any STS call. The attempts run one by
 * one on a {@link SteppingScheduler}; the jitter draws its minimum (the worst case for the STS budget).
 */
class PersistentFailureBackoffTest {

    private static final String ORDERS = "arn:aws:iam::111122223333:role/orders";
    private static final Duration HOUR = Duration.ofHours(1);

    private final PodScenario scenario = new PodScenario();
    private final SteppingScheduler scheduler = new SteppingScheduler();
    private EksPodSimulator pod;
    private IdentityVerifier verifier;

    @AfterEach
    void noSecretWasLoggedAndEverythingIsClosed() throws Exception {
        scenario.close();
    }

    private void start(EksPodSimulator.Builder builder, RoleProbeConfig config) {
        start(builder, config, false);
    }

    /**
     * @param applicationChain whether the verifier checks an SDK chain the application built (as Spring Cloud AWS and
     *     Micronaut AWS do) instead of building its own
     */
    private void start(EksPodSimulator.Builder builder, RoleProbeConfig config, boolean applicationChain) {
        pod = scenario.startPod(builder);
        IdentityVerifier.Builder verifierBuilder = IdentityVerifier.builder()
                .config(config)
                .environment(PodEnvironment.of(pod.environment()))
                .scheduler(scheduler)
                .random(() -> 0.0)
                .listener(new LoggingListener());
        if (applicationChain) {
            DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
            scenario.add(chain);
            verifierBuilder.credentials(ApplicationCredentials.of(chain));
        }
        verifier = verifierBuilder.build();
        scenario.add(verifier);
        verifier.start();
    }

    private List<Duration> runAttempts(int n) {
        for (int i = 0; i < n; i++) {
            scheduler.runNext();
        }
        List<Duration> all = scheduler.requestedDelays();
        return all.subList(all.size() - n, all.size());
    }

    /** How many attempts fit into the first {@code window} when each waits as asked (the first one at once). */
    private static int attemptsWithin(List<Duration> waits, Duration window) {
        Duration elapsed = Duration.ZERO;
        int attempts = 1;
        for (Duration w : waits) {
            elapsed = elapsed.plus(w);
            if (elapsed.compareTo(window) > 0) {
                break;
            }
            attempts++;
        }
        return attempts;
    }

    @Test
    void throttlingThatNeverEndsBacksOffAtOnceToThePersistentCeilingWithAFloorOfHalfOfIt() {
        start(EksPodSimulator.builder().podIdentity(ORDERS).imds(ImdsMode.ABSENT)
                .stsFailFirst(10_000, StsFailure.THROTTLING), RoleProbeConfig.builder().roleArns(List.of(ORDERS)).build());

        List<Duration> waits = runAttempts(40);

        assertThat(waits.subList(0, 7)).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(20), Duration.ofSeconds(40), Duration.ofSeconds(80), Duration.ofSeconds(150),
                Duration.ofSeconds(150));
        assertThat(waits.subList(5, 40)).allSatisfy(w -> assertThat(w).isEqualTo(Duration.ofSeconds(150)));
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.STS_UNAVAILABLE);
        // Each attempt sent exactly one request: at most 28 in the first hour, 24 an hour after that.
        assertThat(pod.counters().stsRequests()).isEqualTo(40).isEqualTo(verifier.snapshot().stsCalls());
        assertThat(attemptsWithin(waits, HOUR)).isEqualTo(28);
        assertThat(attemptsWithin(waits.subList(5, 40), HOUR)).isEqualTo(25); // 24 waits of 150 s: 25 attempts
    }

    @Test
    void aPodThatWaitedForItsAssociationWithoutCallingStsIsNotTreatedAsFailingPersistentlyWhenStsThrottlesOnce() {
        // Regression: 40 attempts on the node role (its key known after one call) used to count as persistent
        // STS failures, so one Throttling afterwards made the pod wait minutes after its association took effect.
        start(EksPodSimulator.builder().podIdentity(ORDERS).associationConsistentAfter(Duration.ofDays(1)),
                RoleProbeConfig.builder().roleArns(List.of(ORDERS)).build());
        runAttempts(40);
        assertThat(verifier.snapshot().wrongIdentityKind()).contains(WrongIdentityKind.NODE_ROLE);
        assertThat(pod.counters().stsRequests()).isEqualTo(1);

        pod.stsFailNext(1, StsFailure.THROTTLING);
        pod.makeAssociationConsistent();
        List<Duration> waits = runAttempts(2);

        // The throttled attempt backs off as the first persistent step (floor of 2 × backoff.max / 2), not minutes.
        assertThat(waits.get(0)).isEqualTo(Duration.ofSeconds(5));
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.VERIFIED);
        assertThat(pod.counters().stsRequests()).isEqualTo(3).isEqualTo(verifier.snapshot().stsCalls());
    }

    @Test
    void anApplicationChainWaitingForItsPodIdentityAssociationIsNeitherPersistentNorOnTheStsCap() {
        // The credentialsProvider bean of Spring Cloud AWS or Micronaut AWS: the SDK's chain, built by the
        // application. Its container provider gets no credentials from the agent until the association is effective:
        // that sends nothing to STS, so the pod keeps retrying at the local cap (zero with the jitter at 0), however
        // long it waits, and notices the association at once.
        start(EksPodSimulator.builder().podIdentity(ORDERS).imds(ImdsMode.ABSENT)
                .associationConsistentAfter(Duration.ofDays(1)),
                RoleProbeConfig.builder().roleArns(List.of(ORDERS)).build(), true);

        List<Duration> waits = runAttempts(40);

        assertThat(waits).allSatisfy(w -> assertThat(w).isZero());
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.NO_CREDENTIALS);
        assertThat(verifier.snapshot().reason()).contains("EKS Pod Identity: the agent at");
        assertThat(pod.counters().stsRequests()).isZero();

        pod.makeAssociationConsistent();
        runAttempts(1);
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.VERIFIED);
        assertThat(pod.counters().stsRequests()).isEqualTo(1).isEqualTo(verifier.snapshot().stsCalls());
    }

    @Test
    void anIrsaRoleThatFailsToAssumeBacksOffToThePersistentCeilingAfterTwelveAttempts() {
        start(EksPodSimulator.builder().irsa(ORDERS).imds(ImdsMode.ABSENT)
                .stsFailFirst(10_000, StsFailure.EXPIRED_TOKEN), // refused at once: the SDK does not retry it
                RoleProbeConfig.builder().roleArns(List.of(ORDERS)).build());

        List<Duration> waits = runAttempts(45);

        // Full jitter at its minimum while the failure may be transient, then the floor of the growing ceiling.
        assertThat(waits.subList(0, 12)).allSatisfy(w -> assertThat(w).isZero());
        assertThat(waits.subList(12, 45)).startsWith(Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(20), Duration.ofSeconds(40), Duration.ofSeconds(80), Duration.ofSeconds(150));
        assertThat(waits.subList(17, 45)).allSatisfy(w -> assertThat(w).isEqualTo(Duration.ofSeconds(150)));
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isZero();
        // The shortest waits there are (jitter at 0): the documented worst case of 40 attempts in the first hour,
        // one AssumeRoleWithWebIdentity each.
        assertThat(attemptsWithin(waits, HOUR)).isEqualTo(40);
        assertThat(pod.counters().stsAssumeRoleWithWebIdentityCalls()).isEqualTo(45);
    }

    @Test
    void anIrsaRoleThatStsThrottlesBacksOffAtOnceAndEachAttemptSendsTheSdksFourRequests() {
        start(EksPodSimulator.builder().irsa(ORDERS).imds(ImdsMode.ABSENT)
                .stsFailFirst(10_000, StsFailure.THROTTLING),
                RoleProbeConfig.builder().roleArns(List.of(ORDERS)).build());

        // Two attempts only: the SDK's web identity provider sleeps between its own retries (its throttling backoff).
        List<Duration> waits = runAttempts(2);

        // The schedule of throttling from the start (see above): 28 attempts in the first hour.
        assertThat(waits).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10));
        // The SDK's web identity provider retries Throttling itself, 3 times: 4 requests per attempt.
        assertThat(pod.counters().stsAssumeRoleWithWebIdentityCalls()).isEqualTo(8);
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isZero();
        VerificationSnapshot s = verifier.snapshot();
        assertThat(s.state()).isEqualTo(VerificationState.NO_CREDENTIALS);
        assertThat(s.reason()).contains("IRSA's web identity provider could not assume " + ORDERS
                + " (STS AssumeRoleWithWebIdentity): ", "Rate exceeded");
        assertThat(s.remedy()).startsWith("STS throttles the account's AssumeRoleWithWebIdentity requests")
                .contains("role-probe.backoff.persistent-max");
    }

    @Test
    void anIrsaChainThatFallsThroughToTheNodeRoleWhileStsThrottlesIsTheWorstCaseOfFourRequestsPerAttempt() {
        // The chain's web identity provider fails (after its own 4 requests) and IMDS answers: the chain returns the
        // node role without saying why web identity failed, so the attempt counts as an ordinary failure that sent
        // requests to STS: persistent after 12 attempts, 40 attempts and so at most 160 requests in the first hour.
        start(EksPodSimulator.builder().irsa(ORDERS).imds(ImdsMode.NODE_ROLE)
                .stsFailFirst(4, StsFailure.THROTTLING), // the first attempt's 4 AssumeRoleWithWebIdentity
                RoleProbeConfig.builder().roleArns(List.of(ORDERS)).build());

        List<Duration> waits = new ArrayList<>(runAttempts(1));
        pod.stsFailNext(4, StsFailure.THROTTLING); // the second attempt's
        waits.addAll(runAttempts(1));

        assertThat(waits).containsExactly(Duration.ZERO, Duration.ZERO);
        assertThat(verifier.snapshot().wrongIdentityKind()).contains(WrongIdentityKind.NODE_ROLE);
        assertThat(pod.counters().stsAssumeRoleWithWebIdentityCalls()).isEqualTo(8);
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(1); // the node role's key, once
    }

    @Test
    void anIrsaRoleWhoseStsAnswers503BacksOffAtOnceWithAtMost28AttemptsOfFourRequestsInTheFirstHour() {
        start(EksPodSimulator.builder().irsa(ORDERS).imds(ImdsMode.ABSENT)
                .stsFailFirst(10_000, StsFailure.SERVICE_UNAVAILABLE_503),
                RoleProbeConfig.builder().roleArns(List.of(ORDERS)).build());

        List<Duration> waits = runAttempts(30);

        assertThat(waits.subList(0, 6)).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(20), Duration.ofSeconds(40), Duration.ofSeconds(80), Duration.ofSeconds(150));
        assertThat(attemptsWithin(waits, HOUR)).isEqualTo(28);
        // 4 AssumeRoleWithWebIdentity per attempt (the SDK's 3 retries): at most 112 requests in the first hour.
        assertThat(pod.counters().stsAssumeRoleWithWebIdentityCalls()).isEqualTo(4 * 30);
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isZero();
        VerificationSnapshot s = verifier.snapshot();
        assertThat(s.state()).isEqualTo(VerificationState.NO_CREDENTIALS);
        assertThat(s.remedy()).startsWith("Check network access to the regional STS endpoint");
    }

    @Test
    void anIrsaRoleThatIsNotExpectedIsKnownFromTheEnvironmentWithoutAnyStsCall() {
        String billing = "arn:aws:iam::111122223333:role/billing";
        String legacy = "arn:aws:iam::111122223333:role/billing-legacy";
        start(EksPodSimulator.builder().podIdentity(billing).irsa(legacy).imds(ImdsMode.ABSENT),
                RoleProbeConfig.builder().roleArns(List.of(billing)).build());

        List<Duration> waits = runAttempts(5);

        VerificationSnapshot s = verifier.snapshot();
        assertThat(s.state()).isEqualTo(VerificationState.WRONG_IDENTITY);
        assertThat(s.wrongIdentityKind()).contains(WrongIdentityKind.OTHER);
        assertThat(s.reason()).contains("IRSA's AWS_ROLE_ARN is " + legacy + ", not " + billing)
                .contains("takes the IRSA web identity token first");
        assertThat(s.remedy()).contains("eks.amazonaws.com/role-arn annotation (billing-legacy)");
        assertThat(s.details()).containsEntry("injection", "POD_IDENTITY")
                .containsEntry("injections", List.of("IRSA", "POD_IDENTITY"));
        assertThat(s.stsCalls()).isZero();
        assertThat(pod.counters().stsRequests()).isZero();
        assertThat(waits).allSatisfy(w -> assertThat(w).isEqualTo(RoleProbeConfig.DEFAULT_REFRESH_INTERVAL));
        assertThat(verifier.live()).isTrue(); // a restart keeps the same environment
    }

    @Test
    void aPersistentCeilingShorterThanBackoffMaxIsRejectedNamingBothSettings() {
        Assertions.assertThatThrownBy(() -> RoleProbeConfig.builder().backoffPersistentMax(Duration.ofSeconds(2)).build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("Invalid value for 'role-probe.backoff.persistent-max': '2s'. It must not be shorter than"
                        + " role-probe.backoff.max (5s). Example: role-probe.backoff.persistent-max=5m");
    }
}
