package io.github.roleprobe.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.credentials.ApplicationCredentials;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.AppClients;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.ManualClock;
import io.github.roleprobe.verify.ManualScheduler;
import io.github.roleprobe.verify.RoleProbeActivation;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.github.roleprobe.verify.VerificationState;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;

/**
 * The indicators build their result once per snapshot (and, for liveness, per UP/DOWN value) and return that same
 * object on every further probe call, so that probes allocate nothing. Real verifiers against the simulated pod; their
 * attempts run only when the test says so ({@link ManualScheduler}) and their clock moves only when the test moves it
 * ({@link ManualClock}).
 */
class IndicatorResultReuseTest extends SimulatedPodTest {

    private final ManualClock clock = new ManualClock(Instant.now());
    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeVerifiers() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    @Test
    void readinessReturnsTheSameResultWhileTheSnapshotIsUnchangedAndANewOneOnceItChanged() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        RoleProbeConfig config = config(Duration.ofSeconds(60));
        IdentityVerifier verifier = verifier(config, ApplicationCredentials.defaultChain());
        RoleProbeReadinessIndicator readiness = new RoleProbeReadinessIndicator(Optional.of(verifier), active(config));

        Publisher<HealthResult> pending = readiness.getResult();
        assertThat(readiness.getResult()).isSameAs(pending);
        assertThat(read(pending).getStatus()).isEqualTo(HealthStatus.DOWN);
        assertThat(details(read(pending))).containsEntry("state", "PENDING");

        verifier.start();
        scheduler.runImmediateTasks();
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.VERIFIED);

        Publisher<HealthResult> verified = readiness.getResult();
        assertThat(verified).isNotSameAs(pending);
        assertThat(readiness.getResult()).isSameAs(verified);
        assertThat(readiness.getResult()).isSameAs(verified);
        HealthResult result = read(verified);
        assertThat(result.getName()).isEqualTo(RoleProbeReadinessIndicator.NAME);
        assertThat(result.getStatus()).isEqualTo(HealthStatus.UP);
        assertThat(details(result)).containsEntry("state", "VERIFIED")
                .containsEntry("callerArn", simulator.podIdentityCallerArn());
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
    }

    @Test
    void theSameResultCanBeSubscribedToAgainAndAgain() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        RoleProbeConfig config = config(Duration.ofSeconds(60));
        IdentityVerifier verifier = verifier(config, ApplicationCredentials.defaultChain());
        RoleProbeLivenessIndicator liveness = new RoleProbeLivenessIndicator(Optional.of(verifier), active(config));

        Publisher<HealthResult> result = liveness.getResult();

        HealthResult first = read(result);
        assertThat(read(result)).isSameAs(first);
        assertThat(read(liveness.getResult())).isSameAs(first);
        assertThat(first.getStatus()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void livenessReturnsANewResultWhenTheDeadlinePassesWithTheSameSnapshot() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        RoleProbeConfig config = config(Duration.ofSeconds(60));
        // The application's own long-lived provider, stuck on the node role: a restart-fixable wrong identity.
        InstanceProfileCredentialsProvider nodeRole = InstanceProfileCredentialsProvider.builder().build();
        closeables.add(nodeRole);
        IdentityVerifier verifier = verifier(config, ApplicationCredentials.of(nodeRole));
        RoleProbeLivenessIndicator liveness = new RoleProbeLivenessIndicator(Optional.of(verifier), active(config));
        verifier.start();
        scheduler.runImmediateTasks();
        VerificationSnapshot wrong = verifier.snapshot();
        assertThat(wrong.state()).isEqualTo(VerificationState.WRONG_IDENTITY);
        assertThat(wrong.livenessDeadline()).contains(clock.instant().plus(Duration.ofSeconds(60)));

        Publisher<HealthResult> beforeDeadline = liveness.getResult();
        assertThat(liveness.getResult()).isSameAs(beforeDeadline);
        assertThat(read(beforeDeadline).getStatus()).isEqualTo(HealthStatus.UP);

        clock.advance(Duration.ofSeconds(61));

        Publisher<HealthResult> afterDeadline = liveness.getResult();
        assertThat(verifier.snapshot()).as("no attempt in between").isSameAs(wrong);
        assertThat(afterDeadline).isNotSameAs(beforeDeadline);
        assertThat(liveness.getResult()).isSameAs(afterDeadline);
        assertThat(read(afterDeadline).getStatus()).isEqualTo(HealthStatus.DOWN);
        assertThat(details(read(afterDeadline))).containsEntry("state", "WRONG_IDENTITY")
                .containsEntry("wrongIdentity", "NODE_ROLE");
    }

    @Test
    void aSnapshotTheRequestGuardPublishedIsReturnedAgainToo() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        RoleProbeConfig config = config(Duration.ofSeconds(60));
        IdentityVerifier verifier = verifier(config, ApplicationCredentials.defaultChain());
        RoleProbeReadinessIndicator readiness = new RoleProbeReadinessIndicator(Optional.of(verifier), active(config));
        verifier.start();
        scheduler.runImmediateTasks();
        Publisher<HealthResult> verified = readiness.getResult();
        assertThat(read(verified).getStatus()).isEqualTo(HealthStatus.UP);

        // An application client signs with the node role: the guard publishes a snapshot naming it, between attempts.
        try (AppClients clients = new AppClients();
             InstanceProfileCredentialsProvider nodeRole = InstanceProfileCredentialsProvider.builder().build()) {
            assertThat(clients.with(nodeRole).getCallerIdentity().arn()).isEqualTo(simulator.nodeRoleCallerArn());
        }

        Publisher<HealthResult> flagged = readiness.getResult();
        assertThat(flagged).isNotSameAs(verified);
        assertThat(readiness.getResult()).isSameAs(flagged);
        assertThat(readiness.getResult()).isSameAs(flagged);
        HealthResult result = read(flagged);
        assertThat(result.getStatus()).isEqualTo(HealthStatus.DOWN);
        assertThat(details(result)).containsEntry("state", "WRONG_IDENTITY").containsKey("clients");
        assertThat(details(result).get("clients")).asList().singleElement()
                .satisfies(c -> assertThat(((Map<?, ?>) c).get("identity")).isEqualTo("node_role"));
    }

    @Test
    void inactiveIndicatorsReturnOneResultForever() {
        RoleProbeActivation inactive = RoleProbeActivation.decide(RoleProbeConfig.builder().build(),
                OUTSIDE_KUBERNETES);
        RoleProbeReadinessIndicator readiness = new RoleProbeReadinessIndicator(Optional.empty(), inactive);
        RoleProbeLivenessIndicator liveness = new RoleProbeLivenessIndicator(Optional.empty(), inactive);

        assertThat(readiness.getResult()).isSameAs(readiness.getResult());
        assertThat(liveness.getResult()).isSameAs(liveness.getResult());
        assertThat(read(readiness.getResult()).getStatus()).isEqualTo(HealthStatus.UP);
        assertThat(details(read(liveness.getResult()))).containsEntry("state", RoleProbeActivation.INACTIVE_STATE);
    }

    private static RoleProbeConfig config(Duration livenessGrace) {
        return RoleProbeConfig.builder().roleArns(List.of(ROLE)).livenessGrace(livenessGrace).build();
    }

    private static RoleProbeActivation active(RoleProbeConfig config) {
        RoleProbeActivation activation = RoleProbeActivation.decide(config, IN_KUBERNETES);
        assertThat(activation.active()).isTrue();
        return activation;
    }

    private IdentityVerifier verifier(RoleProbeConfig config, ApplicationCredentials credentials) {
        IdentityVerifier verifier = IdentityVerifier.builder()
                .config(config)
                .environment(IN_KUBERNETES)
                .credentials(credentials)
                .clock(clock)
                .scheduler(scheduler)
                .build();
        closeables.add(verifier);
        return verifier;
    }

    /** Subscribes once and returns the single value, which a cold single-value publisher emits at once. */
    private static HealthResult read(Publisher<HealthResult> publisher) {
        List<HealthResult> values = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        boolean[] completed = {false};
        publisher.subscribe(new Subscriber<HealthResult>() {
            @Override
            public void onSubscribe(Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(HealthResult value) {
                values.add(value);
            }

            @Override
            public void onError(Throwable error) {
                errors.add(error);
            }

            @Override
            public void onComplete() {
                completed[0] = true;
            }
        });
        assertThat(errors).isEmpty();
        assertThat(completed[0]).as("completed").isTrue();
        assertThat(values).hasSize(1);
        return values.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> details(HealthResult result) {
        return (Map<String, Object>) result.getDetails();
    }
}
