package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;

/**
 * Scenario b: the Pod Identity association is not effective yet while IMDS serves the node role. Spring Boot declares
 * the application ready (ACCEPTING_TRAFFIC) long before that; readiness must still answer 503 until STS confirms the
 * pod's role, and never 200 on node-role credentials.
 */
class LateAssociationTest extends SimulatedPodSpringBootTest {

    // The association becomes effective only when the test says so (after the node role was seen), so the scenario
    // does not depend on how fast the application starts.
    @RegisterExtension
    static final SimulatedPod POD = SimulatedPod.of(EksPodSimulator.builder().podIdentity(ROLE)
            .associationConsistentAfter(Duration.ofHours(1)));

    @Autowired
    ApplicationAvailability availability;

    @Override
    SimulatedPod pod() {
        return POD;
    }

    @Test
    void readinessIsRefusedOnNodeRoleCredentialsUntilTheAssociationIsConsistent() {
        EksPodSimulator simulator = POD.simulator();
        List<Probes.Observation> observed = new ArrayList<>();

        probes.await(o -> "WRONG_IDENTITY".equals(o.state()), observed);
        assertThat(availability.getReadinessState()).as("Spring Boot's ACCEPTING_TRAFFIC was overridden")
                .isEqualTo(ReadinessState.REFUSING_TRAFFIC);
        assertThat(availability.getLastChangeEvent(ReadinessState.class).getSource())
                .isInstanceOf(RoleProbeAvailability.class);
        Instant consistentAt = Instant.now();
        simulator.makeAssociationConsistent();
        Probes.Observation ready = probes.await(o -> o.readiness().status() == 200, observed);

        List<Probes.Observation> before = observed.subList(0, observed.size() - 1);
        assertThat(before).isNotEmpty().allSatisfy(o -> {
            assertThat(o.readiness().status()).isEqualTo(503);
            assertThat(o.readiness().healthStatus()).isEqualTo("OUT_OF_SERVICE");
            assertThat(o.state()).isIn("PENDING", "WRONG_IDENTITY", "NO_CREDENTIALS", "VERIFIED");
        });
        assertThat(before).anySatisfy(o -> {
            assertThat(o.state()).isEqualTo("WRONG_IDENTITY");
            assertThat(o.roleProbe().status()).isEqualTo(503);
            assertThat(o.roleProbe().healthStatus()).isEqualTo("OUT_OF_SERVICE");
            assertThat(o.roleProbe().details())
                    .containsEntry("wrongIdentity", "NODE_ROLE")
                    .containsEntry("callerArn", simulator.nodeRoleCallerArn())
                    .containsEntry("credentialSource", "INSTANCE_PROFILE");
        });
        assertThat(observed)
                .filteredOn(o -> simulator.nodeRoleCallerArn().equals(o.roleProbe().details().get("callerArn")))
                .as("never ready on node-role credentials")
                .isNotEmpty()
                .allSatisfy(o -> {
                    assertThat(o.readiness().status()).isEqualTo(503);
                    assertThat(o.state()).isNotEqualTo("VERIFIED");
                });
        assertThat(observed).filteredOn(o -> o.readiness().status() == 200)
                .allSatisfy(o -> assertThat(o.roleProbe().details())
                        .containsEntry("state", "VERIFIED")
                        .containsEntry("callerArn", simulator.podIdentityCallerArn()));
        assertThat(ready.roleProbe().details())
                .containsEntry("state", "VERIFIED")
                .containsEntry("callerArn", simulator.podIdentityCallerArn())
                .containsEntry("credentialSource", "CONTAINER");
        assertThat(Duration.between(consistentAt, Instant.now())).as("backoff.max 500ms bounds the wait")
                .isLessThan(Duration.ofSeconds(3));
        assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
        assertThat(probes.liveness().status()).as("within the liveness grace").isEqualTo(200);
        assertThat(POD.logs().count("AWS identity WRONG_IDENTITY/NODE_ROLE")).as("logged once").isEqualTo(1);
        assertThat(POD.logs().count("AWS identity VERIFIED")).isEqualTo(1);
    }
}
