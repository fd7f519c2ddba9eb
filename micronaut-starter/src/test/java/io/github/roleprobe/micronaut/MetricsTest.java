package io.github.roleprobe.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.metrics.RoleProbeMetrics;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.AppClients;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * role-probe's meters in a Micronaut application with Micronaut Micrometer (the test class path has its Prometheus
 * registry, scraped at {@code /prometheus}).
 */
class MetricsTest extends SimulatedPodTest {

    private List<Meter> roleProbeMeters() {
        return app.context().getBean(MeterRegistry.class).getMeters().stream()
                .filter(m -> m.getId().getName().startsWith("role.probe.")).toList();
    }

    @Test
    void metersAreBoundAutomaticallyAndFollowTheVerifier() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).associationConsistentAfter(Duration.ofHours(1)));
        start(Map.of("role-probe.role-arns", ROLE), IN_KUBERNETES);

        app.awaitReadiness(r -> "WRONG_IDENTITY".equals(r.state()));
        simulator.makeAssociationConsistent();
        app.awaitReadiness(r -> r.status() == 200);
        IdentityVerifier verifier = app.context().getBean(IdentityVerifier.class);
        VerificationSnapshot verified = verifier.snapshot();
        // The registry is created here, after the verifier verified: the meters still hold every attempt.
        MeterRegistry registry = app.context().getBean(MeterRegistry.class);

        assertThat(app.context().getBeansOfType(RoleProbeMetrics.class)).hasSize(1);
        // The verifier publishes its snapshot before it tells the listeners (the metrics among them): wait for them.
        awaitTrue("role.probe.state{state=verified} = 1", () -> registry.get(RoleProbeMetrics.STATE)
                .tag("state", "verified").tag("role", "orders").gauge().value() == 1.0);
        assertThat(registry.get(RoleProbeMetrics.STATE).gauges()).hasSize(8)
                .filteredOn(g -> g.value() == 1.0).hasSize(1);
        double stsCalls = registry.get(RoleProbeMetrics.STS_CALLS).functionCounters().stream()
                .mapToDouble(c -> c.count()).sum();
        assertThat(stsCalls).isEqualTo(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(verified.stsCalls());
        double attempts = registry.get(RoleProbeMetrics.ATTEMPTS).functionTimers().stream()
                .mapToDouble(FunctionTimer::count).sum();
        assertThat(attempts).isEqualTo(verifier.snapshot().attempts());
        Timer ttv = registry.get(RoleProbeMetrics.TIME_TO_VERIFIED).timer();
        assertThat(ttv.count()).isEqualTo(1);
        assertThat(ttv.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(
                (double) Duration.between(verifier.createdAt(), verified.firstVerified().orElseThrow()).toNanos());
        assertThat(registry.get(RoleProbeMetrics.NODE_ROLE_DETECTIONS).functionCounter().count()).isEqualTo(1.0);
    }

    @Test
    void applicationRequestsTheGuardSawAreInThePrometheusScrape() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).associationConsistentAfter(Duration.ofHours(1)));
        start(Map.of("role-probe.role-arns", ROLE, "endpoints.prometheus.sensitive", "false"), IN_KUBERNETES);
        try (AppClients clients = new AppClients()) {
            StsClient stuck = clients.withDefaultChain();
            // Its first call falls through to the node role while the agent refuses; observe mode sends it.
            assertThat(stuck.getCallerIdentity().arn()).isEqualTo(simulator.nodeRoleCallerArn());
            assertThat(stuck.getCallerIdentity().arn()).isEqualTo(simulator.nodeRoleCallerArn());

            String scrape = app.awaitText("/prometheus", s -> s.contains("role_probe_guard_requests_total{"));
            scan(scrape);

            assertThat(samples(scrape, "role_probe_guard_requests_total"))
                    .containsEntry(Map.of("service", "sts", "identity", "node_role", "outcome", "sent",
                            "role", "orders"), 2.0)
                    .containsEntry(Map.of("service", "sts", "identity", "node_role", "outcome", "refused",
                            "role", "orders"), 0.0)
                    .containsEntry(Map.of("service", "sts", "identity", "expected", "outcome", "sent",
                            "role", "orders"), 0.0)
                    .doesNotContainKey(Map.of("service", "sts", "identity", "expected", "outcome", "refused",
                            "role", "orders"));
        }
    }

    /**
     * Parses the samples of one metric in a Prometheus text scrape.
     *
     * @return each sample's labels and value
     */
    static Map<Map<String, String>, Double> samples(String scrape, String metric) {
        Map<Map<String, String>, Double> samples = new java.util.HashMap<>();
        Pattern label = Pattern.compile("(\\w+)=\"([^\"]*)\"");
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(metric + "{")) {
                continue;
            }
            int close = line.lastIndexOf('}');
            Map<String, String> labels = new java.util.HashMap<>();
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
        start(Map.of("role-probe.role-arns", ROLE, "role-probe.metrics.enabled", "false"), IN_KUBERNETES);

        assertThat(app.awaitReadiness(r -> r.status() == 200).state()).isEqualTo("VERIFIED");
        assertThat(app.context().containsBean(MeterRegistry.class)).isTrue();
        assertThat(app.context().findBean(RoleProbeMetrics.class)).isEmpty();
        assertThat(roleProbeMeters()).isEmpty();
    }

    @Test
    void micronautMetricsDisabledLeavesNoMetersButTheVerifierWorks() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        start(Map.of("role-probe.role-arns", ROLE, "micronaut.metrics.enabled", "false"), IN_KUBERNETES);

        assertThat(app.awaitReadiness(r -> r.status() == 200).state()).isEqualTo("VERIFIED");
        assertThat(app.context().findBean(RoleProbeMetrics.class)).isEmpty();
        app.context().findBean(MeterRegistry.class).ifPresent(r ->
                assertThat(r.find(RoleProbeMetrics.STATE).gauges()).isEmpty());
    }

    @Test
    void inactiveRoleProbeHasNoMeters() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).inKubernetes(false));
        start(Map.of(), OUTSIDE_KUBERNETES);

        assertThat(app.readiness().roleProbe()).containsEntry("state", "INACTIVE");
        assertThat(app.context().findBean(RoleProbeMetrics.class)).isEmpty();
        assertThat(roleProbeMeters()).isEmpty();
    }

    @Test
    void roleProbeDisabledHasNoMeters() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        start(Map.of("role-probe.enabled", "false", "role-probe.role-arns", ROLE), IN_KUBERNETES);

        assertThat(app.readiness().status()).isEqualTo(200);
        assertThat(app.context().findBean(RoleProbeMetrics.class)).isEmpty();
        assertThat(roleProbeMeters()).isEmpty();
    }
}
