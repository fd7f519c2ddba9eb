package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.AppClients;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.TestPropertySource;

/**
 * The same zero-config application as {@link AppClientStuckOnNodeRoleTest}, but its own SDK client makes its first call
 * after the Pod Identity association is consistent: it signs with the pod's role, readiness is UP, and the health
 * details show the client as {@code expected}.
 */
@TestPropertySource(properties = "role-probe.liveness-grace=2s")
class AppClientAfterAssociationTest extends SimulatedPodSpringBootTest {

    @RegisterExtension
    static final SimulatedPod POD = SimulatedPod.of(EksPodSimulator.builder().podIdentity(ROLE)
            .associationConsistentAfter(Duration.ofHours(1)));

    private final AppClients clients = new AppClients();

    @AfterEach
    void closeClients() {
        clients.close();
    }

    @Override
    SimulatedPod pod() {
        return POD;
    }

    @Test
    void aClientWhoseFirstCallComesAfterTheAssociationIsConsistentIsShownAsExpectedAndReadinessIsUp() {
        EksPodSimulator simulator = POD.simulator();
        HealthResponse nodeRole = probes.awaitOn(Probes.ROLE_PROBE, r -> "WRONG_IDENTITY".equals(r.state()));
        assertThat(nodeRole.details()).as("role-probe's own STS calls are never guarded").doesNotContainKey("clients");
        simulator.makeAssociationConsistent();
        probes.awaitOn(Probes.READINESS, r -> r.status() == 200);
        HealthResponse ready = probes.roleProbe();
        assertThat(ready.details()).containsEntry("state", "VERIFIED").doesNotContainKey("clients");
        long verifierCalls = ((Number) ready.details().get("stsCalls")).longValue();

        String caller = clients.withDefaultChain().getCallerIdentity().arn();
        POD.scan(caller);
        assertThat(caller).isEqualTo(simulator.podIdentityCallerArn());

        HealthResponse after = probes.roleProbe();
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.details()).containsEntry("state", "VERIFIED").containsEntry("guard", "observe");
        assertThat(after.clients()).singleElement().satisfies(c -> {
            assertThat(c).containsEntry("service", "sts")
                    .containsEntry("identity", "expected")
                    .containsEntry("credentialSource", "CONTAINER")
                    .containsEntry("callerArn", simulator.podIdentityCallerArn())
                    .doesNotContainKeys("wrongSince", "wrongOperation");
            assertThat((String) c.get("accessKeyId")).matches("ASIA…\\w{4}");
        });
        // The client's key is the one role-probe's own attempt confirmed: the guard needed no STS call.
        assertThat(((Number) after.details().get("stsCalls")).longValue()).isEqualTo(verifierCalls);
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(verifierCalls + 1);
        assertThat(probes.readiness().status()).isEqualTo(200);
        assertThat(probes.liveness().status()).isEqualTo(200);
    }
}
