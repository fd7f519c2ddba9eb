package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario d: in Kubernetes, but the pod was admitted without Pod Identity or IRSA environment. Out of service with a
 * remedy; liveness stays UP because a container restart keeps the same pod spec.
 */
class NotInjectedTest extends SimulatedPodSpringBootTest {

    @RegisterExtension
    static final SimulatedPod POD = SimulatedPod.of(EksPodSimulator.builder());

    @Override
    SimulatedPod pod() {
        return POD;
    }

    @Test
    void podCreatedWithoutInjectedEnvironmentIsNotReadyButStaysLive() {
        Probes.Observation notInjected = probes.await(o -> "NOT_INJECTED".equals(o.state()));

        assertThat(notInjected.readiness().status()).isEqualTo(503);
        assertThat(notInjected.roleProbe().status()).isEqualTo(503);
        assertThat(notInjected.roleProbe().details())
                .containsEntry("injection", "NONE")
                // The chain fell through to IMDS; STS told once that this is the node role, not an expected one.
                .containsEntry("callerArn", POD.simulator().nodeRoleCallerArn())
                .doesNotContainKey("livenessDeadline");
        assertThat((String) notInjected.roleProbe().details().get("remedy")).contains("Recreate the pod");
        HealthResponse live = probes.liveness();
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.healthStatus()).isEqualTo("UP");
        assertThat(POD.simulator().counters().stsGetCallerIdentityCalls()).isEqualTo(1);
        assertThat(POD.logs().count("AWS identity NOT_INJECTED")).as("logged once").isEqualTo(1);
    }
}
