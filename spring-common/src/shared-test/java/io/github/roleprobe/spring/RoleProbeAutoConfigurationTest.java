package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.roleprobe.credentials.CredentialSource;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.RoleProbeActivation;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.github.roleprobe.verify.VerificationState;
import io.github.roleprobe.verify.WrongIdentityKind;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;

/** Conditions of the auto-configurations, and which credentials the verifier verifies. */
class RoleProbeAutoConfigurationTest extends ContextRunnerSupport {

    @Test
    void disabledCreatesNoBeanAndStartsNoVerifier() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        runner.withBean(PodEnvironment.class, () -> TestApplication.IN_KUBERNETES)
                .withPropertyValues("role-probe.enabled=false", "role-probe.role-arns=" + ROLE)
                .run(context -> {
                    assertThat(context).hasNotFailed()
                            .doesNotHaveBean(RoleProbeProperties.class)
                            .doesNotHaveBean(RoleProbeActivation.class)
                            .doesNotHaveBean(IdentityVerifier.class)
                            .doesNotHaveBean(RoleProbeAvailability.class)
                            .doesNotHaveBean(RoleProbeHealthIndicator.class);
                    assertThat(SimulatedPodSpringBootTest.verifierThreadAlive()).isFalse();
                });
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isZero();
    }

    @Test
    void withoutActuatorTheApplicationStartsVerifiesAndLogsTheStateChange() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        runner.withClassLoader(new FilteredClassLoader(BootLine.HEALTH_API_PACKAGE))
                .withBean(PodEnvironment.class, () -> TestApplication.IN_KUBERNETES)
                .withPropertyValues("role-probe.role-arns=" + ROLE)
                .run(context -> {
                    assertThat(context).hasNotFailed()
                            .hasSingleBean(IdentityVerifier.class)
                            .hasSingleBean(RoleProbeAvailability.class)
                            .doesNotHaveBean(RoleProbeHealthIndicator.class)
                            .doesNotHaveBean("roleProbeHealthIndicator");
                    VerificationSnapshot verified = await(context.getBean(IdentityVerifier.class),
                            VerificationSnapshot::ready);
                    assertThat(verified.callerArn()).contains(simulator.podIdentityCallerArn());
                    assertThat(verified.credentialSource()).contains(CredentialSource.CONTAINER);
                });
        assertThat(logs().count("INFO io.github.roleprobe AWS identity VERIFIED")).isEqualTo(1);
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
    }

    @Test
    void outsideKubernetesWithoutRoleIsInactiveAndSaysSoOnce() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).inKubernetes(false));
        runner.withBean(PodEnvironment.class, () -> TestApplication.OUTSIDE_KUBERNETES)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(RoleProbeActivation.class);
                    assertThat(context.getBean(RoleProbeActivation.class).active()).isFalse();
                    assertThat(context.getBeanProvider(IdentityVerifier.class).getIfAvailable()).isNull();
                    var health = context.getBean(RoleProbeHealthIndicator.class).health();
                    assertThat(health.getStatus().getCode()).isEqualTo("UP");
                    assertThat(health.getDetails()).containsEntry("state", "INACTIVE");
                    assertThat((String) health.getDetails().get("reason"))
                            .contains("KUBERNETES_SERVICE_HOST", "role-probe.role-arns");
                    // Spring Boot's own readiness is left alone.
                    AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
                    assertThat(context.getBean(ApplicationAvailability.class).getReadinessState())
                            .isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
                    assertThat(SimulatedPodSpringBootTest.verifierThreadAlive()).isFalse();
                });
        assertThat(logs().count("role-probe is inactive")).as("logged once").isEqualTo(1);
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isZero();
        assertThat(simulator.counters().agentRequests()).isZero();
    }

    @Test
    void withoutPodEnvironmentBeanTheProcessEnvironmentDecides() {
        assumeTrue(System.getenv(PodEnvironment.KUBERNETES_SERVICE_HOST) == null, "test JVM runs outside Kubernetes");
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(RoleProbeActivation.class).active()).isFalse();
            assertThat(context.getBean(RoleProbeActivation.class).environment().inKubernetes()).isFalse();
        });
    }

    @Test
    void kubernetesWithoutAnyExpectedRoleIsMisconfiguredAndRefusesTraffic() {
        runner.withBean(PodEnvironment.class, () -> TestApplication.IN_KUBERNETES)
                .run(context -> {
                    IdentityVerifier verifier = context.getBean(IdentityVerifier.class);
                    VerificationSnapshot snapshot = await(verifier,
                            s -> s.state() == VerificationState.MISCONFIGURED);
                    assertThat(snapshot.remedy()).contains("role-probe.role-arns");
                    AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
                    assertThat(context.getBean(ApplicationAvailability.class).getReadinessState())
                            .isEqualTo(ReadinessState.REFUSING_TRAFFIC);
                    var health = context.getBean(RoleProbeHealthIndicator.class).health();
                    assertThat(health.getStatus().getCode()).isEqualTo("OUT_OF_SERVICE");
                    assertThat(health.getDetails()).containsEntry("state", "MISCONFIGURED");
                });
    }

    @Test
    void healthIndicatorCanBeSwitchedOffWhileTheVerifierKeepsRunning() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        runner.withBean(PodEnvironment.class, () -> TestApplication.IN_KUBERNETES)
                .withPropertyValues("role-probe.role-arns=" + ROLE, "management.health.roleprobe.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(RoleProbeHealthIndicator.class);
                    await(context.getBean(IdentityVerifier.class), VerificationSnapshot::ready);
                });
    }

    @Test
    void applicationCredentialsProviderBeanIsTheOneVerified() {
        // A fresh SDK default chain would get the pod role from the agent; the application's provider is IMDS.
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        CountingProvider application = new CountingProvider(InstanceProfileCredentialsProvider.builder().build());
        runner.withBean(PodEnvironment.class, () -> TestApplication.IN_KUBERNETES)
                .withBean(AwsCredentialsProvider.class, () -> application)
                .withPropertyValues("role-probe.role-arns=" + ROLE)
                .run(context -> {
                    VerificationSnapshot wrong = await(context.getBean(IdentityVerifier.class),
                            s -> s.state() == VerificationState.WRONG_IDENTITY);
                    assertThat(wrong.wrongIdentityKind()).contains(WrongIdentityKind.NODE_ROLE);
                    assertThat(wrong.credentialSource()).contains(CredentialSource.INSTANCE_PROFILE);
                    assertThat(wrong.callerArn()).contains(simulator.nodeRoleCallerArn());
                    assertThat(application.calls.get()).isPositive();
                });
        assertThat(simulator.counters().agentRequests()).as("the default chain was never asked").isZero();
    }

    @Test
    void springCloudAwsCredentialsProviderIsChosenAmongSeveral() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        runner.withBean(PodEnvironment.class, () -> TestApplication.IN_KUBERNETES)
                .withUserConfiguration(SpringCloudAwsLikeProviders.class)
                .withPropertyValues("role-probe.role-arns=" + ROLE)
                .run(context -> {
                    VerificationSnapshot snapshot = await(context.getBean(IdentityVerifier.class),
                            s -> s.state() != VerificationState.PENDING);
                    assertThat(snapshot.credentialSource()).contains(CredentialSource.INSTANCE_PROFILE);
                    assertThat(snapshot.state()).isEqualTo(VerificationState.WRONG_IDENTITY);
                });
    }

    @Test
    void primaryCredentialsProviderIsChosenAmongSeveral() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        runner.withBean(PodEnvironment.class, () -> TestApplication.IN_KUBERNETES)
                .withUserConfiguration(PrimaryProvider.class)
                .withPropertyValues("role-probe.role-arns=" + ROLE)
                .run(context -> {
                    VerificationSnapshot verified = await(context.getBean(IdentityVerifier.class),
                            VerificationSnapshot::ready);
                    assertThat(verified.credentialSource()).contains(CredentialSource.CONTAINER);
                });
    }

    @Test
    void ambiguousProvidersFallBackToTheDefaultChainWithAWarning() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        runner.withBean(PodEnvironment.class, () -> TestApplication.IN_KUBERNETES)
                .withUserConfiguration(AmbiguousProviders.class)
                .withPropertyValues("role-probe.role-arns=" + ROLE)
                .run(context -> {
                    VerificationSnapshot verified = await(context.getBean(IdentityVerifier.class),
                            VerificationSnapshot::ready);
                    assertThat(verified.credentialSource()).contains(CredentialSource.CONTAINER);
                });
        assertThat(logs().count("WARN io.github.roleprobe.spring.RoleProbeAutoConfiguration role-probe found several"
                + " AwsCredentialsProvider beans")).isEqualTo(1);
    }

    @Test
    void springBootAcceptingTrafficIsOverriddenUntilVerifiedAndRestoredAfterwards() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).associationConsistentAfter(java.time.Duration.ofHours(1)));
        runner.withBean(PodEnvironment.class, () -> TestApplication.IN_KUBERNETES)
                .withPropertyValues("role-probe.role-arns=" + ROLE)
                .run(context -> {
                    ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
                    IdentityVerifier verifier = context.getBean(IdentityVerifier.class);
                    await(verifier, s -> s.state() == VerificationState.WRONG_IDENTITY);
                    assertThat(availability.getLastChangeEvent(ReadinessState.class)).as("not ready yet: untouched")
                            .isNull();

                    // What Spring Boot publishes once the application has started.
                    AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
                    assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);

                    simulator.makeAssociationConsistent();
                    await(verifier, VerificationSnapshot::ready);
                    awaitTrue("ACCEPTING_TRAFFIC once verified",
                            () -> availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC);
                    assertThat(availability.getLastChangeEvent(ReadinessState.class).getSource())
                            .isInstanceOf(RoleProbeAvailability.class);

                    // Someone else refuses traffic (the application, or a graceful shutdown): role-probe leaves it.
                    AvailabilityChangeEvent.publish(context, "application", ReadinessState.REFUSING_TRAFFIC);
                    verifier.verifyNow().join();
                    assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
                    assertThat(availability.getLastChangeEvent(ReadinessState.class).getSource())
                            .isEqualTo("application");
                });
    }

    /** Counts resolutions of the provider it wraps. */
    static final class CountingProvider implements AwsCredentialsProvider {
        final AwsCredentialsProvider delegate;
        final AtomicInteger calls = new AtomicInteger();

        CountingProvider(AwsCredentialsProvider delegate) {
            this.delegate = delegate;
        }

        @Override
        public AwsCredentials resolveCredentials() {
            calls.incrementAndGet();
            return delegate.resolveCredentials();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class SpringCloudAwsLikeProviders {
        @Bean
        AwsCredentialsProvider credentialsProvider() {
            return InstanceProfileCredentialsProvider.builder().build();
        }

        @Bean
        AwsCredentialsProvider otherProvider() {
            return ContainerCredentialsProvider.builder().build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrimaryProvider {
        @Bean
        AwsCredentialsProvider nodeProvider() {
            return InstanceProfileCredentialsProvider.builder().build();
        }

        @Bean
        @Primary
        AwsCredentialsProvider podProvider() {
            return ContainerCredentialsProvider.builder().build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class AmbiguousProviders {
        @Bean
        AwsCredentialsProvider nodeProvider() {
            return InstanceProfileCredentialsProvider.builder().build();
        }

        @Bean
        AwsCredentialsProvider podProvider() {
            return ContainerCredentialsProvider.builder().build();
        }
    }
}
