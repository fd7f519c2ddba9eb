package io.github.roleprobe.micronaut;

import io.github.roleprobe.metrics.RoleProbeMetrics;
import io.github.roleprobe.verify.RoleProbeActivation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.DisabledBeanException;
import io.micronaut.core.util.StringUtils;
import jakarta.inject.Singleton;

/**
 * Creates role-probe's Micrometer meters ({@link RoleProbeMetrics}, see {@code docs/metrics.md}) when the application
 * has Micronaut Micrometer (a {@link MeterRegistry} bean), unless {@code role-probe.metrics.enabled} or
 * {@code role-probe.enabled} is {@code false}.
 *
 * <p>The one {@link RoleProbeMetrics} bean is both a {@code MeterBinder}, which Micronaut Micrometer binds to its
 * registry when it creates it, and a {@code VerificationListener}, which {@link RoleProbeFactory} registers with the
 * verifier before its first attempt. The counts live in the bean, so a registry created after the verifier started
 * (Micronaut creates it on first use) still sees every attempt. Absent when role-probe is inactive.
 *
 * <p>Stateless.
 */
@Factory
@Requires(classes = MeterRegistry.class)
@Requires(beans = MeterRegistry.class)
@Requires(property = RoleProbeConfiguration.ENABLED, notEquals = StringUtils.FALSE)
@Requires(property = RoleProbeMetricsFactory.METRICS_ENABLED, notEquals = StringUtils.FALSE)
public class RoleProbeMetricsFactory {

    /** The setting that turns role-probe's meters off: {@value}. Default {@code true}. */
    public static final String METRICS_ENABLED = RoleProbeConfiguration.PREFIX + ".metrics.enabled";

    /**
     * Creates the meters of the verifier.
     *
     * @param activation the startup decision; gives the expected roles, whose names tag every meter
     * @return the binder and listener; a singleton
     * @throws DisabledBeanException when role-probe is inactive: no verifier, so no meters
     */
    @Singleton
    RoleProbeMetrics roleProbeMetrics(RoleProbeActivation activation) {
        if (!activation.active()) {
            throw new DisabledBeanException(activation.inactiveReason().orElse("role-probe is inactive"));
        }
        return new RoleProbeMetrics(activation.expectedRoles().roles());
    }
}
