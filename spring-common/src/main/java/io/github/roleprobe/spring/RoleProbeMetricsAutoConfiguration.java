package io.github.roleprobe.spring;

import io.github.roleprobe.metrics.RoleProbeMetrics;
import io.github.roleprobe.verify.RoleProbeActivation;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures role-probe's Micrometer meters ({@link RoleProbeMetrics}, see {@code docs/metrics.md}) when the
 * application has Micrometer and a {@link MeterRegistry} bean (Spring Boot's metrics auto-configuration, brought by
 * {@code spring-boot-starter-actuator}), unless {@code role-probe.metrics.enabled} or {@code role-probe.enabled} is
 * {@code false}. Micrometer is an optional dependency of the starter.
 *
 * <p>The one {@link RoleProbeMetrics} bean is both a {@code MeterBinder}, which Spring Boot's metrics
 * auto-configuration binds to every registry, and a {@code VerificationListener}, which
 * {@link RoleProbeAutoConfiguration} registers with the verifier before its first attempt. The counts live in the
 * bean, so a registry bound after the verifier started still sees every attempt. When role-probe is inactive the
 * factory method returns {@code null}: no verifier, so no meters.
 *
 * <p>Shared by the Boot 3.5 and Boot 4 starters: it needs only Micrometer and Spring Boot's condition annotations.
 * The one thing that differs between the lines is where Spring Boot's metrics auto-configurations live, which it must
 * come after (so that {@code @ConditionalOnBean(MeterRegistry.class)} sees the registry): it names both lines' classes
 * by name, and Spring Boot ignores the names of the line that is not there.
 */
@AutoConfiguration(after = RoleProbeAutoConfiguration.class, afterName = {
        // Boot 4 (spring-boot-micrometer-metrics)
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        // Boot 3.5 (spring-boot-actuator-autoconfigure)
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = RoleProbeProperties.ENABLED, matchIfMissing = true)
@ConditionalOnBooleanProperty(name = RoleProbeMetricsAutoConfiguration.METRICS_ENABLED, matchIfMissing = true)
@ConditionalOnBean({MeterRegistry.class, RoleProbeActivation.class})
public class RoleProbeMetricsAutoConfiguration {

    /** The setting that turns role-probe's meters off: {@value}. Default {@code true}. */
    public static final String METRICS_ENABLED = RoleProbeProperties.PREFIX + ".metrics.enabled";

    /**
     * Creates the meters of the verifier.
     *
     * @param activation the startup decision; gives the expected roles, whose names tag every meter
     * @return the binder and listener; {@code null} (no bean) when role-probe is inactive
     */
    @Bean
    @ConditionalOnMissingBean
    RoleProbeMetrics roleProbeMetrics(RoleProbeActivation activation) {
        if (!activation.active()) {
            return null;
        }
        return new RoleProbeMetrics(activation.expectedRoles().roles());
    }
}
