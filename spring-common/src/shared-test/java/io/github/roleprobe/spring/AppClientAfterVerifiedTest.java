package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.metrics.RoleProbeMetrics;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.testkit.SimulatedCredentials;
import io.github.roleprobe.verify.AppClients;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.test.context.TestPropertySource;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * An application already verified (readiness {@code ACCEPTING_TRAFFIC}) whose own client then signs with another role:
 * the request guard identifies the key (one STS call, observe mode, counted in the details and in
 * {@code role.probe.sts.calls}) and the readiness state is refused right away, not at the next attempt a refresh
 * interval (10 minutes here) later.
 */
@TestPropertySource(properties = "role-probe.refresh-interval=10m")
class AppClientAfterVerifiedTest extends SimulatedPodSpringBootTest {

    @RegisterExtension
    static final SimulatedPod POD = SimulatedPod.of(EksPodSimulator.builder().podIdentity(ROLE));

    private final AppClients clients = new AppClients();

    @Autowired
    ApplicationAvailability availability;

    @Autowired
    MeterRegistry registry;

    @AfterEach
    void closeClients() {
        clients.close();
    }

    @Override
    SimulatedPod pod() {
        return POD;
    }

    @Test
    void aClientSigningWithAnotherRoleRefusesReadinessBetweenAttempts() {
        EksPodSimulator simulator = POD.simulator();
        probes.awaitOn(Probes.READINESS, r -> r.status() == 200);
        HealthResponse verified = probes.roleProbe();
        long attempts = ((Number) verified.details().get("attempts")).longValue();
        long verifierCalls = ((Number) verified.details().get("stsCalls")).longValue();

        SimulatedCredentials billing = simulator.issueCredentials("arn:aws:iam::111122223333:role/billing", "app");
        String caller = clients.with(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                billing.accessKeyId(), billing.secretAccessKey(), billing.sessionToken()))).getCallerIdentity().arn();
        POD.scan(caller);
        assertThat(caller).isEqualTo(billing.callerArn());

        HealthResponse refused = probes.awaitOn(Probes.READINESS, r -> r.status() == 503);
        assertThat(refused.healthStatus()).isEqualTo("OUT_OF_SERVICE");
        assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
        HealthResponse roleProbe = probes.roleProbe();
        assertThat(roleProbe.details())
                .containsEntry("state", "WRONG_IDENTITY")
                .containsEntry("wrongIdentity", "OTHER")
                .containsEntry("callerArn", billing.callerArn())
                .containsEntry("credentialSource", "STATIC")
                .containsEntry("attempts", (int) attempts);
        assertThat((String) roleProbe.details().get("remedy")).contains("role-probe.guard.allowed-role-arns");
        assertThat(roleProbe.clients()).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("identity", "other").containsEntry("credentialSource", "STATIC"));
        // The guard's one identification call counts with role-probe's own: in the details and in the meter.
        assertThat(((Number) roleProbe.details().get("stsCalls")).longValue()).isEqualTo(verifierCalls + 1);
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).as("role-probe's calls and the client's own")
                .isEqualTo(verifierCalls + 2);
        Probes.poll(() -> registry.get(RoleProbeMetrics.STS_CALLS).functionCounters().stream()
                .mapToDouble(FunctionCounter::count).sum(), sum -> sum == verifierCalls + 1, new ArrayList<>());
    }
}
