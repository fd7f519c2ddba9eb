package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.config.InvalidSettingException;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.heal.SelfEviction;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.github.roleprobe.verify.VerificationState;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The self-eviction's auto-configuration: only with role-probe.heal.evict-not-injected=true and role-probe-heal with
 * its Kubernetes client on the class path; registered with the verifier, whose NOT_INJECTED reason then says what it
 * will do. The Kubernetes calls themselves are role-probe-heal's tests (against fabric8's API mock server); here the
 * delay is an hour, so that none is made.
 */
class SelfEvictionAutoConfigurationTest extends ContextRunnerSupport {

    private ApplicationContextRunner withHeal() {
        return runner.withConfiguration(AutoConfigurations.of(RoleProbeHealAutoConfiguration.class))
                .withBean(PodEnvironment.class, () -> TestApplication.IN_KUBERNETES)
                .withPropertyValues("role-probe.role-arns=" + ROLE, "role-probe.heal.after=1h");
    }

    @Test
    void offByDefault() {
        withHeal().run(context -> assertThat(context).hasNotFailed().hasSingleBean(IdentityVerifier.class)
                .doesNotHaveBean(SelfEviction.class));
    }

    @Test
    void onItListensToTheVerifierAndTheNotInjectedReasonSaysWhatItWillDo() {
        simulate(EksPodSimulator.builder());
        withHeal().withPropertyValues("role-probe.heal.evict-not-injected=true", "role-probe.heal.max-evictions=2",
                "role-probe.heal.window=30m").run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(SelfEviction.class);
                    VerificationSnapshot s = await(context.getBean(IdentityVerifier.class),
                            v -> v.state() == VerificationState.NOT_INJECTED);
                    awaitTrue("the self-eviction's note", () -> context.getBean(IdentityVerifier.class).snapshot()
                            .reason().endsWith("this pod asks the Kubernetes Eviction API to evict it once this state"
                                    + " has lasted role-probe.heal.after (3600s), so that its ReplicaSet creates a new"
                                    + " pod, which the EKS webhook admits again."));
                    assertThat(s.ready()).isFalse();
                });
    }

    @Test
    void withoutRoleProbeHealOrItsClientOnTheClassPathThereIsNoSelfEviction() {
        withHeal().withPropertyValues("role-probe.heal.evict-not-injected=true")
                .withClassLoader(new FilteredClassLoader("io.github.roleprobe.heal."))
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(IdentityVerifier.class)
                        .doesNotHaveBean("roleProbeSelfEviction"));
        withHeal().withPropertyValues("role-probe.heal.evict-not-injected=true")
                .withClassLoader(new FilteredClassLoader("io.fabric8.kubernetes.client."))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("roleProbeSelfEviction"));
    }

    @Test
    void roleProbeDisabledMeansNoSelfEvictionEither() {
        withHeal().withPropertyValues("role-probe.enabled=false", "role-probe.heal.evict-not-injected=true")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SelfEviction.class));
    }

    @Test
    void aBadValueStopsTheStartNamingSettingValueAndExample() {
        withHeal().withPropertyValues("role-probe.heal.evict-not-injected=true", "role-probe.heal.after=0s")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .isInstanceOf(InvalidSettingException.class)
                        .hasMessage("Invalid value for 'role-probe.heal.after': '0s'. It must be a positive duration."
                                + " Example: role-probe.heal.after=30s"));
        withHeal().withPropertyValues("role-probe.heal.evict-not-injected=true", "role-probe.heal.max-evictions=0")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("'role-probe.heal.max-evictions': '0'"));
    }
}
