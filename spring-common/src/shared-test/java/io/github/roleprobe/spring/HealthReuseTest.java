package io.github.roleprobe.spring;

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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;

/**
 * {@link RoleProbeHealthIndicator} builds its {@code Health} (of this Boot line) once per snapshot and status, with
 * and without details, and returns that same object on every further call, so that probes allocate nothing. Real verifiers against the
 * simulated pod; their attempts run only when the test says so ({@link ManualScheduler}) and their clock moves only
 * when the test moves it ({@link ManualClock}).
 */
class HealthReuseTest extends ContextRunnerSupport {

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
    void eachVariantIsTheSameObjectWhileTheSnapshotIsUnchangedAndANewOneOnceItChanged() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        RoleProbeConfig config = config();
        IdentityVerifier verifier = verifier(config, ApplicationCredentials.defaultChain());
        RoleProbeHealthIndicator indicator = new RoleProbeHealthIndicator(verifier, active(config));

        var pending = indicator.health(true);
        var pendingWithoutDetails = indicator.health(false);
        assertThat(indicator.health(true)).isSameAs(pending);
        assertThat(indicator.health()).isSameAs(pending);
        assertThat(indicator.health(false)).isSameAs(pendingWithoutDetails);
        assertThat(pending.getStatus().getCode()).isEqualTo("OUT_OF_SERVICE");
        assertThat(pending.getDetails()).containsEntry("state", "PENDING");
        assertThat(pendingWithoutDetails.getStatus().getCode()).isEqualTo("OUT_OF_SERVICE");
        assertThat(pendingWithoutDetails.getDetails()).isEmpty();

        verifier.start();
        scheduler.runImmediateTasks();
        assertThat(verifier.snapshot().state()).isEqualTo(VerificationState.VERIFIED);

        var verified = indicator.health(true);
        var verifiedWithoutDetails = indicator.health(false);
        assertThat(verified).isNotSameAs(pending);
        assertThat(verifiedWithoutDetails).isNotSameAs(pendingWithoutDetails);
        assertThat(indicator.health(true)).isSameAs(verified);
        assertThat(indicator.health(false)).isSameAs(verifiedWithoutDetails);
        assertThat(verified.getStatus().getCode()).isEqualTo("UP");
        assertThat(verified.getDetails()).containsEntry("state", "VERIFIED")
                .containsEntry("callerArn", simulator.podIdentityCallerArn());
        assertThat(verifiedWithoutDetails.getStatus().getCode()).isEqualTo("UP");
        assertThat(verifiedWithoutDetails.getDetails()).isEmpty();
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
    }

    @Test
    void aSnapshotTheRequestGuardPublishedIsReturnedAgainToo() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        RoleProbeConfig config = config();
        IdentityVerifier verifier = verifier(config, ApplicationCredentials.defaultChain());
        RoleProbeHealthIndicator indicator = new RoleProbeHealthIndicator(verifier, active(config));
        verifier.start();
        scheduler.runImmediateTasks();
        var verified = indicator.health(true);
        assertThat(verified.getStatus().getCode()).isEqualTo("UP");

        // An application client signs with the node role: the guard publishes a snapshot naming it, between attempts.
        try (AppClients clients = new AppClients();
             InstanceProfileCredentialsProvider nodeRole = InstanceProfileCredentialsProvider.builder().build()) {
            assertThat(clients.with(nodeRole).getCallerIdentity().arn()).isEqualTo(simulator.nodeRoleCallerArn());
        }

        var flagged = indicator.health(true);
        var flaggedWithoutDetails = indicator.health(false);
        assertThat(flagged).isNotSameAs(verified);
        assertThat(indicator.health(true)).isSameAs(flagged);
        assertThat(indicator.health(false)).isSameAs(flaggedWithoutDetails);
        assertThat(flagged.getStatus().getCode()).isEqualTo("OUT_OF_SERVICE");
        assertThat(flagged.getDetails()).containsEntry("state", "WRONG_IDENTITY").containsKey("clients");
        assertThat(flagged.getDetails().get("clients")).asList().singleElement()
                .satisfies(c -> assertThat(((java.util.Map<?, ?>) c).get("identity")).isEqualTo("node_role"));
    }

    @Test
    void statusChangesWhenTheLivenessDeadlinePassesWithTheSameSnapshot() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        RoleProbeConfig config = config();
        // The application's own long-lived provider, stuck on the node role: a restart-fixable wrong identity.
        InstanceProfileCredentialsProvider nodeRole = InstanceProfileCredentialsProvider.builder().build();
        closeables.add(nodeRole);
        IdentityVerifier verifier = verifier(config, ApplicationCredentials.of(nodeRole));
        RoleProbeHealthIndicator indicator = new RoleProbeHealthIndicator(verifier, active(config));
        verifier.start();
        scheduler.runImmediateTasks();
        VerificationSnapshot wrong = verifier.snapshot();
        assertThat(wrong.state()).isEqualTo(VerificationState.WRONG_IDENTITY);
        assertThat(wrong.livenessDeadline()).contains(clock.instant().plus(Duration.ofSeconds(60)));

        var beforeDeadline = indicator.health(true);
        assertThat(indicator.health(true)).isSameAs(beforeDeadline);
        assertThat(beforeDeadline.getStatus().getCode()).isEqualTo("OUT_OF_SERVICE");

        clock.advance(Duration.ofSeconds(61));

        var afterDeadline = indicator.health(true);
        var afterDeadlineWithoutDetails = indicator.health(false);
        assertThat(verifier.snapshot()).as("no attempt in between").isSameAs(wrong);
        assertThat(afterDeadline).isNotSameAs(beforeDeadline);
        assertThat(indicator.health(true)).isSameAs(afterDeadline);
        assertThat(indicator.health(false)).isSameAs(afterDeadlineWithoutDetails);
        assertThat(afterDeadline.getStatus().getCode()).isEqualTo("DOWN");
        assertThat(afterDeadlineWithoutDetails.getStatus().getCode()).isEqualTo("DOWN");
        assertThat(afterDeadline.getDetails()).containsEntry("state", "WRONG_IDENTITY")
                .containsEntry("wrongIdentity", "NODE_ROLE");
    }

    @Test
    void inactiveHealthIsOneObjectPerVariant() {
        RoleProbeActivation inactive = RoleProbeActivation.decide(RoleProbeConfig.builder().build(),
                TestApplication.OUTSIDE_KUBERNETES);
        RoleProbeHealthIndicator indicator = new RoleProbeHealthIndicator(null, inactive);

        assertThat(indicator.health(true)).isSameAs(indicator.health(true)).isSameAs(indicator.health());
        assertThat(indicator.health(false)).isSameAs(indicator.health(false));
        assertThat(indicator.health(true).getStatus().getCode()).isEqualTo("UP");
        assertThat(indicator.health(true).getDetails()).containsEntry("state", RoleProbeActivation.INACTIVE_STATE);
        assertThat(indicator.health(false).getStatus().getCode()).isEqualTo("UP");
        assertThat(indicator.health(false).getDetails()).isEmpty();
    }

    private static RoleProbeConfig config() {
        return RoleProbeConfig.builder().roleArns(List.of(ROLE)).livenessGrace(Duration.ofSeconds(60)).build();
    }

    private static RoleProbeActivation active(RoleProbeConfig config) {
        RoleProbeActivation activation = RoleProbeActivation.decide(config, TestApplication.IN_KUBERNETES);
        assertThat(activation.active()).isTrue();
        return activation;
    }

    private IdentityVerifier verifier(RoleProbeConfig config, ApplicationCredentials credentials) {
        IdentityVerifier verifier = IdentityVerifier.builder()
                .config(config)
                .environment(TestApplication.IN_KUBERNETES)
                .credentials(credentials)
                .clock(clock)
                .scheduler(scheduler)
                .build();
        closeables.add(verifier);
        return verifier;
    }
}
