package io.github.roleprobe.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.credentials.ApplicationCredentials;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.testkit.AgentFailure;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.testkit.ImdsMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;

/**
 * Which backoff ceiling the verifier uses while it waits: {@code backoff.max} after an attempt that sent a
 * request to STS, {@code min(backoff.local-max, backoff.max)} after one that sent none. Through the real SDK
 * credential providers and STS client against the testkit's simulated EKS pod on loopback; the attempts run
 * one by one on a {@link SteppingScheduler}, which records the waits asked for without sleeping, and the
 * jitter always draws its maximum, so each wait equals its ceiling.
 */
class BackoffCeilingScenariosTest {

    private static final String ORDERS = "arn:aws:iam::111122223333:role/orders";
    private static final Duration MS_200 = Duration.ofMillis(200);
    private static final Duration MS_400 = Duration.ofMillis(400);
    private static final Duration MS_800 = Duration.ofMillis(800);
    private static final Duration S_1 = Duration.ofSeconds(1);
    private static final Duration S_5 = Duration.ofSeconds(5);

    private final PodScenario scenario = new PodScenario();
    private final SteppingScheduler scheduler = new SteppingScheduler();
    private EksPodSimulator pod;
    private IdentityVerifier verifier;

    @AfterEach
    void noSecretWasLoggedAndEverythingIsClosed() throws Exception {
        scenario.close();
    }

    private void start(EksPodSimulator.Builder builder, RoleProbeConfig config) {
        start(builder, config, null);
    }

    /**
     * Starts the pod and a verifier of the credentials {@code credentials} builds once the pod's system properties
     * are set, or of the SDK default chain when {@code credentials} is {@code null}.
     */
    private void start(EksPodSimulator.Builder builder, RoleProbeConfig config,
            Supplier<ApplicationCredentials> credentials) {
        pod = scenario.startPod(builder);
        verifier = IdentityVerifier.builder()
                .config(config)
                .credentials(credentials == null ? null : credentials.get())
                .environment(PodEnvironment.of(pod.environment()))
                .scheduler(scheduler)
                .random(() -> 1.0)
                .listener(new LoggingListener())
                .build();
        scenario.add(verifier);
        verifier.start();
    }

    /** Defaults everywhere (200 ms, 1 s local, 5 s), only the role set. */
    private static RoleProbeConfig.Builder defaults() {
        return RoleProbeConfig.builder().roleArns(List.of(ORDERS));
    }

    /** Runs {@code n} attempts and returns the wait each of them asked for before the next. */
    private List<Duration> runAttempts(int n) {
        for (int i = 0; i < n; i++) {
            scheduler.runNext();
        }
        List<Duration> all = scheduler.requestedDelays();
        return all.subList(all.size() - n, all.size());
    }

    /** The Pod Identity agent refuses the role (403, the SDK moves on at once) and IMDS serves the node role. */
    private static EksPodSimulator.Builder podIdentityNotYetConsistent() {
        return EksPodSimulator.builder().podIdentity(ORDERS)
                .associationConsistentAfterRequests(1_000)
                .agentFailure(AgentFailure.FORBIDDEN_403)
                .imds(ImdsMode.NODE_ROLE);
    }

    @Test
    void waitingOnTheNodeRoleWhoseIdentityIsKnownRetriesWithinTheOneSecondLocalCeiling() {
        start(podIdentityNotYetConsistent(), defaults().build());

        List<Duration> waits = runAttempts(8);

        // Attempt 1 asks STS about the node role's key; attempts 2..8 recognise that key and send nothing.
        assertThat(waits).containsExactly(MS_200, MS_400, MS_800, S_1, S_1, S_1, S_1, S_1);
        assertThat(waits).allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(S_1));
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.WRONG_IDENTITY);
        assertThat(verifier.snapshot().wrongIdentityKind()).contains(WrongIdentityKind.NODE_ROLE);
        assertThat(verifier.snapshot().stsCalls()).isEqualTo(1);
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
        assertThat(pod.counters().stsRequests()).isEqualTo(1);

        pod.makeAssociationConsistent();
        runAttempts(1);
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.VERIFIED);
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(2);
    }

    @Test
    void anStsEndpointThatRefusesConnectionsBacksOffAsAPersistentStsFailureThoughStsCountsNothing() throws Exception {
        // A bound port nothing listens on: connecting to it is refused (no port race: the port stays bound).
        try (java.net.Socket reserved = new java.net.Socket()) {
            reserved.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            start(EksPodSimulator.builder().podIdentity(ORDERS).imds(ImdsMode.ABSENT),
                    defaults().stsEndpoint("http://127.0.0.1:" + reserved.getLocalPort()).build());

            List<Duration> waits = runAttempts(14);

            // As STS answering 503: up to backoff.max (5 s); after 12 such attempts the ceiling doubles towards
            // backoff.persistent-max, not the 1 s local ceiling of an attempt that had no STS call to make.
            assertThat(waits.subList(0, 8)).containsExactly(MS_200, MS_400, MS_800, Duration.ofMillis(1600),
                    Duration.ofMillis(3200), S_5, S_5, S_5);
            assertThat(waits.subList(12, 14)).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(20));
            assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.STS_UNAVAILABLE);
            assertThat(verifier.snapshot().reason()).contains("STS call failed");
            assertThat(verifier.snapshot().stsCalls()).isZero();
            assertThat(pod.counters().stsRequests()).isZero();
        }
    }

    @Test
    void stsAnsweringServiceUnavailableWhileCredentialsResolveBacksOffUpToTheFiveSecondCeiling() {
        start(EksPodSimulator.builder().podIdentity(ORDERS), defaults().build());
        pod.stsDown(true);

        List<Duration> waits = runAttempts(8);

        assertThat(waits).containsExactly(MS_200, MS_400, MS_800, Duration.ofMillis(1600), Duration.ofMillis(3200),
                S_5, S_5, S_5);
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.STS_UNAVAILABLE);
        assertThat(verifier.snapshot().reason()).contains("503");
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(8);

        pod.stsDown(false);
        runAttempts(1);
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.VERIFIED);
    }

    @Test
    void waitingUnderIrsaBacksOffUpToTheFiveSecondCeilingBecauseEveryFreshChainCallsSts() throws Exception {
        start(EksPodSimulator.builder().irsa(ORDERS).imds(ImdsMode.NODE_ROLE), defaults().build());
        // The cluster's OIDC provider is not trusted yet: AssumeRoleWithWebIdentity fails (InvalidIdentityToken)
        // and the chain falls through to the node role, whose identity STS is asked about only once.
        String token = Files.readString(pod.webIdentityTokenFile(), StandardCharsets.UTF_8);
        Files.writeString(pod.webIdentityTokenFile(), "not-yet-trusted", StandardCharsets.UTF_8);

        List<Duration> waits = runAttempts(8);

        assertThat(waits).containsExactly(MS_200, MS_400, MS_800, Duration.ofMillis(1600), Duration.ofMillis(3200),
                S_5, S_5, S_5);
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.WRONG_IDENTITY);
        assertThat(verifier.snapshot().wrongIdentityKind()).contains(WrongIdentityKind.NODE_ROLE);
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
        assertThat(pod.counters().stsAssumeRoleWithWebIdentityCalls()).isGreaterThanOrEqualTo(8);

        Files.writeString(pod.webIdentityTokenFile(), token, StandardCharsets.UTF_8);
        runAttempts(1);
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.VERIFIED);
    }

    @Test
    void backoffMaxBelowLocalMaxCapsTheLocalCeilingToo() {
        start(podIdentityNotYetConsistent(), defaults().backoffMax(Duration.ofMillis(500)).build());

        List<Duration> waits = runAttempts(5);

        Duration ms500 = Duration.ofMillis(500);
        assertThat(waits).containsExactly(MS_200, MS_400, ms500, ms500, ms500);
        assertThat(pod.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
    }

    @Test
    void waitingWithImdsDisabledForTheDefaultChainRetriesWithinTheOneSecondLocalCeiling() {
        start(podIdentityNotYetConsistent().imds(ImdsMode.ABSENT), defaults().build());

        List<Duration> waits = runAttempts(6);

        // The chain gets no credentials at all (agent 403, no IMDS): only the agent was asked.
        assertThat(waits).containsExactly(MS_200, MS_400, MS_800, S_1, S_1, S_1);
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.NO_CREDENTIALS);
        assertThat(pod.counters().stsRequests()).isZero();

        pod.makeAssociationConsistent();
        runAttempts(1);
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.VERIFIED);
    }

    @Test
    void failingResolutionInTheApplicationsOwnProviderBacksOffUpToTheFiveSecondCeiling() {
        // The application's own provider may call STS when it resolves (an assume-role provider), so a failed
        // resolution is not known to be local; here it is the SDK's container provider against a refusing agent.
        start(podIdentityNotYetConsistent().imds(ImdsMode.ABSENT), defaults().build(),
                () -> ApplicationCredentials.of(ContainerCredentialsProvider.builder().build()));

        List<Duration> waits = runAttempts(8);

        assertThat(waits).containsExactly(MS_200, MS_400, MS_800, Duration.ofMillis(1600), Duration.ofMillis(3200),
                S_5, S_5, S_5);
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.NO_CREDENTIALS);
    }
}
