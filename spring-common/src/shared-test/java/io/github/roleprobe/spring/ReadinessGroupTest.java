package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.github.roleprobe.verify.VerificationState;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * The health endpoint's probe groups as Spring Boot's actuator builds them (its auto-configurations of this Boot line,
 * {@link BootLine#healthEndpoint()}): zero configuration, and a readiness group the user customised.
 */
class ReadinessGroupTest extends ContextRunnerSupport {

    private static final String UP = "UP";
    private static final String DOWN = "DOWN";
    private static final String OUT_OF_SERVICE = "OUT_OF_SERVICE";

    private final AtomicReference<String> userCheck = new AtomicReference<>(UP);

    private ApplicationContextRunner actuator() {
        return BootLine.withHealthIndicator(runner.withConfiguration(BootLine.healthEndpoint()),
                        "userCheckHealthIndicator", userCheck::get)
                .withBean(PodEnvironment.class, () -> TestApplication.IN_KUBERNETES)
                // Boot 4's default; Boot 3.5 adds the probe groups only when it detects Kubernetes.
                .withPropertyValues("role-probe.role-arns=" + ROLE, "management.endpoint.health.probes.enabled=true");
    }

    @Test
    void defaultReadinessGroupIsOutOfServiceUntilVerifiedWithoutAnyGroupConfiguration() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).associationConsistentAfter(Duration.ofHours(1)));
        actuator().run(context -> {
            ApplicationContext health = context;
            IdentityVerifier verifier = context.getBean(IdentityVerifier.class);
            await(verifier, s -> s.state() == VerificationState.WRONG_IDENTITY);
            // What Spring Boot publishes once the application has started and is ready.
            AvailabilityChangeEvent.publish(context, LivenessState.CORRECT);
            AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);

            assertThat(status(health, "readiness")).isEqualTo(OUT_OF_SERVICE);
            assertThat(status(health, "liveness")).isEqualTo(UP);
            assertThat(status(health, RoleProbeHealthIndicator.NAME)).isEqualTo(OUT_OF_SERVICE);
            assertThat(status(health)).isEqualTo(OUT_OF_SERVICE);

            simulator.makeAssociationConsistent();
            await(verifier, VerificationSnapshot::ready);
            awaitTrue("readiness UP", () -> UP.equals(status(health, "readiness")));
            assertThat(status(health, RoleProbeHealthIndicator.NAME)).isEqualTo(UP);
        });
    }

    @Test
    void customisedReadinessGroupKeepsItsMembersAndIsHeldUntilVerified() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).associationConsistentAfter(Duration.ofHours(1)));
        actuator().withPropertyValues("management.endpoint.health.group.readiness.include=readinessState,userCheck",
                        "management.endpoint.health.group.readiness.show-details=always")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ApplicationContext health = context;
                    IdentityVerifier verifier = context.getBean(IdentityVerifier.class);
                    await(verifier, s -> s.state() == VerificationState.WRONG_IDENTITY);
                    AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);

                    assertThat(status(health, "readiness")).as("held by role-probe").isEqualTo(OUT_OF_SERVICE);

                    simulator.makeAssociationConsistent();
                    await(verifier, VerificationSnapshot::ready);
                    awaitTrue("readiness UP", () -> UP.equals(status(health, "readiness")));

                    userCheck.set(DOWN);
                    assertThat(status(health, "readiness")).as("the user's own member still counts")
                            .isEqualTo(DOWN);
                    assertThat(status(health, "readiness", "roleProbe")).as("not a member").isNull();
                });
    }

    @Test
    void readinessGroupMayIncludeTheRoleProbeComponentForItsDetails() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).associationConsistentAfter(Duration.ofHours(1)));
        actuator().withPropertyValues("management.endpoint.health.group.readiness.include=roleProbe,userCheck",
                        "management.endpoint.health.group.readiness.show-details=always")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ApplicationContext health = context;
                    IdentityVerifier verifier = context.getBean(IdentityVerifier.class);
                    await(verifier, s -> s.state() == VerificationState.WRONG_IDENTITY);

                    assertThat(status(health, "readiness")).isEqualTo(OUT_OF_SERVICE);
                    assertThat(status(health, "readiness", "roleProbe")).isEqualTo(OUT_OF_SERVICE);

                    simulator.makeAssociationConsistent();
                    await(verifier, VerificationSnapshot::ready);
                    assertThat(status(health, "readiness")).isEqualTo(UP);
                });
    }

    private static String status(ApplicationContext context, String... path) {
        return BootLine.status(context, path);
    }
}
