package io.github.roleprobe.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.roleprobe.config.InvalidSettingException;
import io.github.roleprobe.heal.SelfEviction;
import io.github.roleprobe.heal.SelfEvictionConfig;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.VerificationState;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The self-eviction in Micronaut: a bean only with role-probe.heal.evict-not-injected=true, registered with the
 * verifier, whose NOT_INJECTED reason then says what it will do. The Kubernetes calls are role-probe-heal's tests
 * (against fabric8's API mock server); here the delay is an hour, so that none is made.
 */
class SelfEvictionFactoryTest extends SimulatedPodTest {

    @Test
    void offByDefault() {
        simulate(EksPodSimulator.builder());
        start(Map.of("role-probe.role-arns", ROLE), IN_KUBERNETES);

        await(app.context().getBean(IdentityVerifier.class), s -> s.state() == VerificationState.NOT_INJECTED);
        assertThat(app.context().containsBean(SelfEviction.class)).isFalse();
        assertThat(app.context().getBean(IdentityVerifier.class).snapshot().reason()).doesNotContain("Self-eviction");
    }

    @Test
    void onItListensToTheVerifierAndTheNotInjectedReasonSaysWhatItWillDo() {
        simulate(EksPodSimulator.builder());
        start(Map.of("role-probe.role-arns", ROLE, "role-probe.heal.evict-not-injected", "true",
                "role-probe.heal.after", "1h", "role-probe.heal.max-evictions", "2", "role-probe.heal.window", "30m"),
                IN_KUBERNETES);

        assertThat(app.context().getBeansOfType(SelfEviction.class)).hasSize(1);
        IdentityVerifier verifier = app.context().getBean(IdentityVerifier.class);
        await(verifier, s -> s.state() == VerificationState.NOT_INJECTED);
        awaitTrue("the self-eviction's note", () -> verifier.snapshot().reason().endsWith("this pod asks the"
                + " Kubernetes Eviction API to evict it once this state has lasted role-probe.heal.after (3600s), so"
                + " that its ReplicaSet creates a new pod, which the EKS webhook admits again."));
        assertThat(app.readiness().status()).isEqualTo(503);
        RoleProbeConfiguration.HealConfiguration heal = app.context().getBean(RoleProbeConfiguration.class).getHeal();
        assertThat(heal.getMaxEvictions()).isEqualTo(2);
        assertThat(heal.getWindow()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void defaultsAreRoleProbeHealDefaults() {
        RoleProbeConfiguration.HealConfiguration heal = new RoleProbeConfiguration.HealConfiguration();
        SelfEvictionConfig defaults = SelfEvictionConfig.builder().build();
        assertThat(heal.isEvictNotInjected()).isEqualTo(defaults.enabled()).isFalse();
        assertThat(heal.getAfter()).isEqualTo(defaults.after());
        assertThat(heal.getMaxEvictions()).isEqualTo(defaults.maxEvictions());
        assertThat(heal.getWindow()).isEqualTo(defaults.window());
    }

    @Test
    void aBadValueStopsTheStartNamingSettingValueAndExample() {
        Throwable zero = catchThrowable(() -> RunningApp.start(properties(Map.of("role-probe.role-arns", ROLE,
                "role-probe.heal.evict-not-injected", "true", "role-probe.heal.after", "0s")), IN_KUBERNETES).close());
        assertThat(rootCause(zero)).isInstanceOf(InvalidSettingException.class)
                .hasMessage("Invalid value for 'role-probe.heal.after': '0s'. It must be a positive duration."
                        + " Example: role-probe.heal.after=30s");
        Throwable noUnit = catchThrowable(() -> RunningApp.start(properties(Map.of("role-probe.role-arns", ROLE,
                "role-probe.heal.evict-not-injected", "true", "role-probe.heal.after", "30")), IN_KUBERNETES).close());
        assertThat(rootCause(noUnit)).isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("Invalid value for 'role-probe.heal.after': '30'.");
        assertThat(verifierThreadAlive()).isFalse();
    }

    private static Throwable rootCause(Throwable t) {
        assertThat(t).isNotNull();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
