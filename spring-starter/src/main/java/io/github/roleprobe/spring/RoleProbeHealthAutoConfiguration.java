package io.github.roleprobe.spring;

import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.RoleProbeActivation;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures the {@code roleProbe} health indicator ({@link RoleProbeHealthIndicator}) when the application has
 * Spring Boot 4's health API ({@code spring-boot-health}, brought by {@code spring-boot-starter-actuator}), role-probe
 * is enabled and {@code management.health.roleprobe.enabled} is not {@code false} (Boot 4's
 * {@code org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator}, which also
 * honours {@code management.health.defaults.enabled}). Without the health API the verifier still runs and still
 * drives the application availability state ({@link RoleProbeAutoConfiguration}). Ordered before Boot 4's
 * {@link HealthContributorAutoConfiguration}, as Boot's own health contributors are.
 */
@AutoConfiguration(after = RoleProbeAutoConfiguration.class, before = HealthContributorAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBooleanProperty(name = RoleProbeProperties.ENABLED, matchIfMissing = true)
@ConditionalOnBean(RoleProbeActivation.class)
public class RoleProbeHealthAutoConfiguration {

    /**
     * @param verifier the verifier; none when role-probe is inactive
     * @param activation the startup decision
     * @return the indicator, named {@value RoleProbeHealthIndicator#NAME} in health payloads
     */
    @Bean
    @ConditionalOnMissingBean(name = "roleProbeHealthIndicator")
    @ConditionalOnEnabledHealthIndicator("roleprobe")
    RoleProbeHealthIndicator roleProbeHealthIndicator(ObjectProvider<IdentityVerifier> verifier,
                                                      RoleProbeActivation activation) {
        return new RoleProbeHealthIndicator(verifier.getIfAvailable(), activation);
    }
}
