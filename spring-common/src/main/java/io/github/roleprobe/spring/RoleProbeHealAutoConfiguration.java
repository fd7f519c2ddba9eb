package io.github.roleprobe.spring;

import io.github.roleprobe.heal.SelfEviction;
import io.github.roleprobe.heal.SelfEvictionConfig;
import io.github.roleprobe.verify.RoleProbeActivation;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures the self-eviction of a pod that stays {@code NOT_INJECTED} (role-probe-heal's {@link SelfEviction})
 * only when {@value SelfEvictionConfig#EVICT_NOT_INJECTED} is {@code true} and role-probe-heal and its Kubernetes
 * client (fabric8) are on the class path: both are optional dependencies of the starters, so an application that does
 * not ask for it loads none of them. Shared by the Boot 3.5 and Boot 4 starters (registered in spring-common's
 * {@code AutoConfiguration.imports}, which both starters bring).
 *
 * <p>The {@link SelfEviction} bean is a {@code VerificationListener}, which {@link RoleProbeAutoConfiguration}
 * registers with the verifier before its first attempt; it is closed with the context. The {@code role-probe.heal.*}
 * values are validated here, with core's message, so a bad value stops the application.
 */
@AutoConfiguration(after = RoleProbeAutoConfiguration.class)
@ConditionalOnClass(name = {"io.github.roleprobe.heal.SelfEviction", "io.fabric8.kubernetes.client.KubernetesClient"})
@ConditionalOnBooleanProperty(name = RoleProbeProperties.ENABLED, matchIfMissing = true)
@ConditionalOnBooleanProperty(name = SelfEvictionConfig.EVICT_NOT_INJECTED)
@ConditionalOnBean(RoleProbeActivation.class)
public class RoleProbeHealAutoConfiguration {

    /**
     * Creates the self-eviction; its Kubernetes client (in-cluster configuration) is created with its first call.
     *
     * @param properties the bound {@code role-probe.*} settings
     * @param activation the startup decision; when inactive there is no verifier, so no self-eviction
     * @return the listener; {@code null} (no bean) when role-probe is inactive
     * @throws io.github.roleprobe.config.InvalidSettingException when a {@code role-probe.heal.*} value is unusable
     */
    @Bean
    @ConditionalOnMissingBean
    SelfEviction roleProbeSelfEviction(RoleProbeProperties properties, RoleProbeActivation activation) {
        RoleProbeProperties.Heal heal = properties.getHeal();
        SelfEvictionConfig config = SelfEvictionConfig.builder()
                .enabled(heal.isEvictNotInjected())
                .after(heal.getAfter())
                .maxEvictions(heal.getMaxEvictions())
                .window(heal.getWindow())
                .build();
        if (!activation.active()) {
            return null;
        }
        return SelfEviction.builder().config(config).build();
    }
}
