package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.verify.RoleProbeActivation;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributorRegistry;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.SystemHealth;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The health wiring that only the Boot 3.5 starter has (the shared tests cover what both lines do alike): the
 * indicator on Boot 3's actuator health API, registered under {@code roleProbe} in actuator's contributor registry;
 * the condition on actuator's auto-configuration jar, which Boot 3.5 ships apart from the health API; Boot 3's
 * {@code management.health.defaults.enabled}; the endpoint's {@code getHealth(boolean)} answered without a new object
 * per call. Role-probe inactive (outside Kubernetes, no role) here: no network.
 */
class Boot3HealthWiringTest extends ContextRunnerSupport {

    private static final String HEALTH_INDICATOR = "roleProbeHealthIndicator";

    @Test
    void theIndicatorIsActuatorsHealthIndicatorInTheContributorRegistryAndTheEndpoint() {
        runner.withConfiguration(BootLine.healthEndpoint())
                .withBean(PodEnvironment.class, () -> TestApplication.OUTSIDE_KUBERNETES)
                .withPropertyValues("management.endpoint.health.show-details=always")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(RoleProbeHealthIndicator.class);
                    RoleProbeHealthIndicator indicator = context.getBean(RoleProbeHealthIndicator.class);
                    assertThat(indicator).isInstanceOf(HealthIndicator.class);
                    assertThat(context.getBean(HealthContributorRegistry.class).getContributor("roleProbe"))
                            .isSameAs(indicator);

                    SystemHealth health = (SystemHealth) context.getBean(HealthEndpoint.class).health();
                    assertThat(health.getComponents()).containsKey("roleProbe");
                    Health roleProbe = (Health) health.getComponents().get("roleProbe");
                    assertThat(roleProbe.getStatus().getCode()).isEqualTo("UP");
                    assertThat(roleProbe.getDetails()).containsEntry("state", "INACTIVE");
                });
    }

    @Test
    void theEndpointsVariantsAreBuiltOncePerSnapshot() {
        runner.withBean(PodEnvironment.class, () -> TestApplication.OUTSIDE_KUBERNETES).run(context -> {
            HealthIndicator indicator = context.getBean(RoleProbeHealthIndicator.class);
            assertThat(indicator.getHealth(true)).isSameAs(indicator.getHealth(true)).isSameAs(indicator.health());
            assertThat(indicator.getHealth(false)).isSameAs(indicator.getHealth(false));
            assertThat(indicator.getHealth(false).getDetails()).isEmpty();
            assertThat(indicator.getHealth(true).getDetails()).containsEntry("state", "INACTIVE");
        });
    }

    @Test
    void withoutActuatorsAutoConfigurationJarThereIsNoIndicatorAndNoFailure() {
        // spring-boot-actuator (the health API) without spring-boot-actuator-autoconfigure: a Boot 3.5 split.
        runner.withClassLoader(new FilteredClassLoader(ConditionalOnEnabledHealthIndicator.class))
                .withBean(PodEnvironment.class, () -> TestApplication.OUTSIDE_KUBERNETES)
                .run(context -> assertThat(context).hasNotFailed()
                        .hasSingleBean(RoleProbeActivation.class)
                        .doesNotHaveBean(RoleProbeHealthIndicator.class));
    }

    @Test
    void bootsHealthDefaultsSwitchTurnsTheIndicatorOffAndItsOwnSwitchTurnsItBackOn() {
        ApplicationContextRunner defaultsOff = runner
                .withBean(PodEnvironment.class, () -> TestApplication.OUTSIDE_KUBERNETES)
                .withPropertyValues("management.health.defaults.enabled=false");
        defaultsOff.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(RoleProbeHealthIndicator.class));
        defaultsOff.withPropertyValues("management.health.roleprobe.enabled=true")
                .run(context -> assertThat(context).hasSingleBean(RoleProbeHealthIndicator.class));
    }

    @Test
    void anApplicationsOwnRoleProbeHealthIndicatorReplacesTheStartersOne() {
        HealthIndicator own = () -> Health.up().withDetail("own", true).build();
        runner.withBean(PodEnvironment.class, () -> TestApplication.OUTSIDE_KUBERNETES)
                .withBean(HEALTH_INDICATOR, HealthIndicator.class, () -> own)
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(RoleProbeHealthIndicator.class);
                    assertThat(context.getBean(HEALTH_INDICATOR)).isSameAs(own);
                });
    }
}
