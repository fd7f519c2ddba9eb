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
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The health endpoint's probe groups as Spring Boot's actuator builds them: zero configuration, and a readiness group
 * the user customised.
 */
class ReadinessGroupTest extends ContextRunnerSupport {

    private final AtomicReference<Status> userCheck = new AtomicReference<>(Status.UP);

    private ApplicationContextRunner actuator() {
        return runner.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
                        HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
                        HealthEndpointAutoConfiguration.class, AvailabilityHealthContributorAutoConfiguration.class,
                        AvailabilityProbesAutoConfiguration.class))
                .withBean(PodEnvironment.class, () -> TestApplication.IN_KUBERNETES)
                .withBean("userCheckHealthIndicator", HealthIndicator.class,
                        () -> () -> Health.status(userCheck.get()).build())
                .withPropertyValues("role-probe.role-arns=" + ROLE);
    }

    @Test
    void defaultReadinessGroupIsOutOfServiceUntilVerifiedWithoutAnyGroupConfiguration() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).associationConsistentAfter(Duration.ofHours(1)));
        actuator().run(context -> {
            HealthEndpoint health = context.getBean(HealthEndpoint.class);
            IdentityVerifier verifier = context.getBean(IdentityVerifier.class);
            await(verifier, s -> s.state() == VerificationState.WRONG_IDENTITY);
            // What Spring Boot publishes once the application has started and is ready.
            AvailabilityChangeEvent.publish(context, LivenessState.CORRECT);
            AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);

            assertThat(status(health, "readiness")).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(status(health, "liveness")).isEqualTo(Status.UP);
            assertThat(status(health, RoleProbeHealthIndicator.NAME)).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);

            simulator.makeAssociationConsistent();
            await(verifier, VerificationSnapshot::ready);
            awaitTrue("readiness UP", () -> Status.UP.equals(status(health, "readiness")));
            assertThat(status(health, RoleProbeHealthIndicator.NAME)).isEqualTo(Status.UP);
        });
    }

    @Test
    void customisedReadinessGroupKeepsItsMembersAndIsHeldUntilVerified() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).associationConsistentAfter(Duration.ofHours(1)));
        actuator().withPropertyValues("management.endpoint.health.group.readiness.include=readinessState,userCheck",
                        "management.endpoint.health.group.readiness.show-details=always")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    HealthEndpoint health = context.getBean(HealthEndpoint.class);
                    IdentityVerifier verifier = context.getBean(IdentityVerifier.class);
                    await(verifier, s -> s.state() == VerificationState.WRONG_IDENTITY);
                    AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);

                    assertThat(status(health, "readiness")).as("held by role-probe").isEqualTo(Status.OUT_OF_SERVICE);

                    simulator.makeAssociationConsistent();
                    await(verifier, VerificationSnapshot::ready);
                    awaitTrue("readiness UP", () -> Status.UP.equals(status(health, "readiness")));

                    userCheck.set(Status.DOWN);
                    assertThat(status(health, "readiness")).as("the user's own member still counts")
                            .isEqualTo(Status.DOWN);
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
                    HealthEndpoint health = context.getBean(HealthEndpoint.class);
                    IdentityVerifier verifier = context.getBean(IdentityVerifier.class);
                    await(verifier, s -> s.state() == VerificationState.WRONG_IDENTITY);

                    assertThat(status(health, "readiness")).isEqualTo(Status.OUT_OF_SERVICE);
                    assertThat(status(health, "readiness", "roleProbe")).isEqualTo(Status.OUT_OF_SERVICE);

                    simulator.makeAssociationConsistent();
                    await(verifier, VerificationSnapshot::ready);
                    assertThat(status(health, "readiness")).isEqualTo(Status.UP);
                });
    }

    private static Status status(HealthEndpoint health, String... path) {
        HealthDescriptor descriptor = health.healthForPath(path);
        return descriptor != null ? descriptor.getStatus() : null;
    }
}
