package io.github.roleprobe.micronaut;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.roleprobe.heal.SelfEviction;
import io.github.roleprobe.heal.SelfEvictionConfig;
import io.github.roleprobe.verify.RoleProbeActivation;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.DisabledBeanException;
import io.micronaut.core.util.StringUtils;
import jakarta.inject.Singleton;

/**
 * Creates the self-eviction of a pod that stays {@code NOT_INJECTED} (role-probe-heal's {@link SelfEviction}) only
 * when {@value SelfEvictionConfig#EVICT_NOT_INJECTED} is {@code true} and role-probe-heal and its Kubernetes client
 * (fabric8) are on the class path: both are optional dependencies of the starter. The bean is a
 * {@code VerificationListener}, which {@link RoleProbeFactory} registers with the verifier before its first attempt;
 * it is closed with the context. The {@code role-probe.heal.*} values are validated here, with core's message.
 *
 * <p>Stateless.
 */
@Factory
@Requires(classes = {SelfEviction.class, KubernetesClient.class})
@Requires(property = RoleProbeConfiguration.ENABLED, notEquals = StringUtils.FALSE)
@Requires(property = SelfEvictionConfig.EVICT_NOT_INJECTED, value = StringUtils.TRUE)
public class RoleProbeHealFactory {

    /**
     * Creates the self-eviction; its Kubernetes client (in-cluster configuration) is created with its first call.
     *
     * @param configuration the bound {@code role-probe.*} settings
     * @param activation the startup decision
     * @return the listener; a singleton
     * @throws io.github.roleprobe.config.InvalidSettingException when a {@code role-probe.heal.*} value is unusable
     * @throws DisabledBeanException when role-probe is inactive: no verifier, so no self-eviction
     */
    @Singleton
    @Bean(preDestroy = "close")
    SelfEviction roleProbeSelfEviction(RoleProbeConfiguration configuration, RoleProbeActivation activation) {
        RoleProbeConfiguration.HealConfiguration heal = configuration.getHeal();
        SelfEvictionConfig config = SelfEvictionConfig.builder()
                .enabled(heal.isEvictNotInjected())
                .after(heal.getAfter())
                .maxEvictions(heal.getMaxEvictions())
                .window(heal.getWindow())
                .build();
        if (!activation.active()) {
            throw new DisabledBeanException(activation.inactiveReason().orElse("role-probe is inactive"));
        }
        return SelfEviction.builder().config(config).build();
    }
}
