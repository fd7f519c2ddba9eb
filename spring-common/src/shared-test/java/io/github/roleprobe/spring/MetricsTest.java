package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.metrics.RoleProbeMetrics;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.AppClients;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.RoleProbeActivation;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.github.roleprobe.verify.VerificationState;
import io.github.roleprobe.verify.WrongIdentityKind;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * role-probe's meters in a Spring Boot application with Spring Boot's metrics auto-configuration (its default
 * {@link SimpleMeterRegistry} when no export registry is configured, or the Prometheus one and its scrape), and their
 * absence when turned off.
 */
class MetricsTest extends ContextRunnerSupport {

    /** Spring Boot's metrics auto-configuration, as actuator brings it, without any export registry but the simple one. */
    static final AutoConfigurations BOOT_METRICS = BootLine.metrics();

    private ApplicationContextRunner withMetrics() {
        return runner.withConfiguration(BOOT_METRICS)
                .withConfiguration(AutoConfigurations.of(RoleProbeMetricsAutoConfiguration.class));
    }

    private static List<Meter> roleProbeMeters(ApplicationContext context) {
        return context.getBeanProvider(MeterRegistry.class).stream()
                .flatMap(r -> r.getMeters().stream())
                .filter(m -> m.getId().getName().startsWith("role.probe.")).toList();
    }

    @Test
    void metersAreBoundAutomaticallyAndFollowTheVerifier() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).associationConsistentAfter(Duration.ofHours(1)));
        withMetrics().withBean(PodEnvironment.class, () -> TestApplication.IN_KUBERNETES)
                .withPropertyValues("role-probe.role-arns=" + ROLE)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(RoleProbeMetrics.class)
                            .hasSingleBean(MeterRegistry.class);
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry).isInstanceOf(SimpleMeterRegistry.class);
                    IdentityVerifier verifier = context.getBean(IdentityVerifier.class);

                    VerificationSnapshot wrong = await(verifier, s -> s.state() == VerificationState.WRONG_IDENTITY);
                    assertThat(wrong.wrongIdentityKind()).contains(WrongIdentityKind.NODE_ROLE);
                    awaitStateGauge(registry, "wrong_identity_node_role");
                    assertThat(registry.get(RoleProbeMetrics.TIME_TO_VERIFIED).timer().count()).isZero();

                    simulator.makeAssociationConsistent();
                    VerificationSnapshot verified = await(verifier, VerificationSnapshot::ready);

                    awaitStateGauge(registry, "verified");
                    assertThat(registry.get(RoleProbeMetrics.STATE).gauges()).hasSize(8)
                            .filteredOn(g -> g.value() == 1.0).hasSize(1);
                    double stsCalls = registry.get(RoleProbeMetrics.STS_CALLS).functionCounters().stream()
                            .mapToDouble(c -> c.count()).sum();
                    assertThat(stsCalls).isEqualTo(simulator.counters().stsGetCallerIdentityCalls())
                            .isEqualTo(verified.stsCalls());
                    assertThat(registry.get(RoleProbeMetrics.STS_CALLS).tag("result", "success").functionCounter()
                            .count()).isPositive();
                    double attempts = registry.get(RoleProbeMetrics.ATTEMPTS).functionTimers().stream()
                            .mapToDouble(FunctionTimer::count).sum();
                    assertThat(attempts).isEqualTo(verifier.snapshot().attempts());
                    assertThat(registry.get(RoleProbeMetrics.ATTEMPTS).tag("outcome", "verified")
                            .tag("source", "container").functionTimer().count()).isEqualTo(1.0);
                    Timer ttv = registry.get(RoleProbeMetrics.TIME_TO_VERIFIED).timer();
                    assertThat(ttv.count()).isEqualTo(1);
                    assertThat(ttv.totalTime(TimeUnit.NANOSECONDS)).isEqualTo((double) Duration.between(
                            verifier.createdAt(), verified.firstVerified().orElseThrow()).toNanos());
                    assertThat(registry.get(RoleProbeMetrics.NODE_ROLE_DETECTIONS).functionCounter().count())
                            .isEqualTo(1.0);
                    assertThat(roleProbeMeters(context)).allSatisfy(m ->
                            assertThat(m.getId().getTag("role")).isEqualTo("orders"));
                });
    }

    @Test
    void applicationRequestsTheGuardSawAreInThePrometheusScrape() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).associationConsistentAfter(Duration.ofHours(1)));
        runner.withConfiguration(BOOT_METRICS)
                .withConfiguration(BootLine.prometheusExport())
                .withConfiguration(AutoConfigurations.of(RoleProbeMetricsAutoConfiguration.class))
                .withBean(PodEnvironment.class, () -> TestApplication.IN_KUBERNETES)
                .withPropertyValues("role-probe.role-arns=" + ROLE, "role-probe.guard.mode=enforce")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(PrometheusMeterRegistry.class);
                    PrometheusMeterRegistry prometheus = context.getBean(PrometheusMeterRegistry.class);
                    try (AppClients clients = new AppClients()) {
                        StsClient stuck = clients.withDefaultChain();
                        // Its chain falls through to the node role while the agent refuses: refused, never sent.
                        for (int i = 0; i < 2; i++) {
                            assertThatThrownBy(stuck::getCallerIdentity).isInstanceOf(SdkClientException.class)
                                    .hasMessageContaining("role-probe (role-probe.guard.mode=enforce) refused");
                        }
                    }
                    awaitTrue("role_probe_guard_requests_total in the scrape",
                            () -> prometheus.scrape().contains("role_probe_guard_requests_total{"));
                    String scrape = prometheus.scrape();
                    assertThat(secretsIn(scrape)).isEmpty();

                    assertThat(samples(scrape, "role_probe_guard_requests_total"))
                            .containsEntry(Map.of("service", "sts", "identity", "node_role", "outcome", "refused",
                                    "role", "orders"), 2.0)
                            .containsEntry(Map.of("service", "sts", "identity", "node_role", "outcome", "sent",
                                    "role", "orders"), 0.0)
                            .doesNotContainKey(Map.of("service", "sts", "identity", "expected", "outcome",
                                    "refused", "role", "orders"));
                });
    }

    /**
     * Waits until the state gauge shows {@code state}: the verifier publishes its snapshot before it tells the
     * listeners (the metrics among them), so a test that saw the snapshot must wait for the meters to follow.
     */
    private static void awaitStateGauge(MeterRegistry registry, String state) {
        awaitTrue("role.probe.state{state=" + state + "} = 1", () -> registry.get(RoleProbeMetrics.STATE)
                .tag("state", state).tag("role", "orders").gauge().value() == 1.0);
    }

    private List<String> secretsIn(String text) {
        return simulator.issuedSecrets().stream().filter(text::contains).toList();
    }

    /**
     * Parses the samples of one metric in a Prometheus text scrape.
     *
     * @return each sample's labels and value
     */
    static Map<Map<String, String>, Double> samples(String scrape, String metric) {
        Map<Map<String, String>, Double> samples = new HashMap<>();
        Pattern label = Pattern.compile("(\\w+)=\"([^\"]*)\"");
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(metric + "{")) {
                continue;
            }
            int close = line.lastIndexOf('}');
            Map<String, String> labels = new HashMap<>();
            Matcher m = label.matcher(line.substring(metric.length() + 1, close));
            while (m.find()) {
                labels.put(m.group(1), m.group(2));
            }
            samples.put(Map.copyOf(labels), Double.parseDouble(line.substring(close + 1).trim().split(" ")[0]));
        }
        return samples;
    }

    @Test
    void metricsEnabledFalseLeavesNoMetersButTheVerifierWorks() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        withMetrics().withBean(PodEnvironment.class, () -> TestApplication.IN_KUBERNETES)
                .withPropertyValues("role-probe.role-arns=" + ROLE, "role-probe.metrics.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(MeterRegistry.class)
                            .doesNotHaveBean(RoleProbeMetrics.class);
                    assertThat(await(context.getBean(IdentityVerifier.class), VerificationSnapshot::ready).state())
                            .isEqualTo(VerificationState.VERIFIED);
                    assertThat(roleProbeMeters(context)).isEmpty();
                });
    }

    @Test
    void withoutMeterRegistryBeanThereAreNoMetersButTheVerifierWorks() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        runner.withConfiguration(AutoConfigurations.of(RoleProbeMetricsAutoConfiguration.class))
                .withBean(PodEnvironment.class, () -> TestApplication.IN_KUBERNETES)
                .withPropertyValues("role-probe.role-arns=" + ROLE)
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(MeterRegistry.class)
                            .doesNotHaveBean(RoleProbeMetrics.class);
                    assertThat(await(context.getBean(IdentityVerifier.class), VerificationSnapshot::ready).state())
                            .isEqualTo(VerificationState.VERIFIED);
                });
    }

    @Test
    void withoutMicrometerOnTheClassPathThereAreNoMetersButTheVerifierWorks() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        withMetrics().withClassLoader(new FilteredClassLoader("io.micrometer.core"))
                .withBean(PodEnvironment.class, () -> TestApplication.IN_KUBERNETES)
                .withPropertyValues("role-probe.role-arns=" + ROLE)
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(RoleProbeMetrics.class)
                            .doesNotHaveBean("roleProbeMetrics").doesNotHaveBean(MeterRegistry.class);
                    assertThat(await(context.getBean(IdentityVerifier.class), VerificationSnapshot::ready).state())
                            .isEqualTo(VerificationState.VERIFIED);
                });
    }

    @Test
    void inactiveRoleProbeHasNoMeters() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).inKubernetes(false));
        withMetrics().withBean(PodEnvironment.class, () -> TestApplication.OUTSIDE_KUBERNETES)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(MeterRegistry.class);
                    assertThat(context.getBean(RoleProbeActivation.class).active()).isFalse();
                    assertThat(context.getBeanProvider(RoleProbeMetrics.class).getIfAvailable()).isNull();
                    assertThat(context.getBeanProvider(IdentityVerifier.class).getIfAvailable()).isNull();
                    assertThat(context.getBean(RoleProbeHealthIndicator.class).health().getDetails())
                            .containsEntry("state", "INACTIVE");
                    assertThat(roleProbeMeters(context)).isEmpty();
                });
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isZero();
    }

    @Test
    void roleProbeDisabledHasNoMeters() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        withMetrics().withBean(PodEnvironment.class, () -> TestApplication.IN_KUBERNETES)
                .withPropertyValues("role-probe.enabled=false", "role-probe.role-arns=" + ROLE)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(MeterRegistry.class)
                            .doesNotHaveBean(RoleProbeMetrics.class)
                            .doesNotHaveBean(IdentityVerifier.class);
                    assertThat(roleProbeMeters(context)).isEmpty();
                });
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isZero();
    }
}
