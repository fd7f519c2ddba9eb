package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * Scenario c: the application's long-lived credential chain resolved while the agent refused, fell through to the
 * instance profile and stays there. role-probe verifies that chain (the application's bean), not a fresh one: readiness
 * stays 503 with WRONG_IDENTITY/NODE_ROLE and, after the (shortened) liveness grace, liveness fails so that the kubelet
 * restarts the container.
 */
@TestPropertySource(properties = "role-probe.liveness-grace=1s")
@Import(StuckOnNodeRoleTest.ApplicationChain.class)
class StuckOnNodeRoleTest extends SimulatedPodSpringBootTest {

    @RegisterExtension
    static final SimulatedPod POD = SimulatedPod.of(EksPodSimulator.builder().podIdentity(ROLE)
            .associationConsistentAfter(Duration.ofHours(1)));

    static volatile AwsCredentials stuck;

    @TestConfiguration
    static class ApplicationChain {

        /** The application's chain, warmed up at startup before the association works. */
        @Bean(destroyMethod = "close")
        DefaultCredentialsProvider applicationCredentialsProvider() {
            DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
            stuck = chain.resolveCredentials();
            // A fresh chain would now get the pod role; this one does not.
            POD.simulator().makeAssociationConsistent();
            return chain;
        }
    }

    @Autowired
    ApplicationAvailability availability;

    @Override
    SimulatedPod pod() {
        return POD;
    }

    @Test
    void applicationChainStuckOnTheNodeRoleFailsReadinessAndAfterTheGraceLiveness() {
        EksPodSimulator simulator = POD.simulator();

        Probes.Observation wrong = probes.await(o -> "WRONG_IDENTITY".equals(o.state()));

        assertThat(wrong.readiness().status()).isEqualTo(503);
        assertThat(wrong.roleProbe().details())
                .containsEntry("wrongIdentity", "NODE_ROLE")
                .containsEntry("callerArn", simulator.nodeRoleCallerArn())
                .containsEntry("credentialSource", "INSTANCE_PROFILE")
                .containsEntry("injection", "POD_IDENTITY")
                .containsKey("livenessDeadline");
        assertThat((String) wrong.roleProbe().details().get("accessKeyId"))
                .startsWith(stuck.accessKeyId().substring(0, 4))
                .endsWith(stuck.accessKeyId().substring(stuck.accessKeyId().length() - 4));

        HealthResponse live = probes.awaitOn(Probes.LIVENESS, r -> r.status() == 503);
        assertThat(live.healthStatus()).isEqualTo("DOWN");
        assertThat(availability.getLivenessState()).isEqualTo(LivenessState.BROKEN);
        HealthResponse roleProbe = probes.roleProbe();
        assertThat(roleProbe.healthStatus()).isEqualTo("DOWN");
        assertThat(roleProbe.state()).isEqualTo("WRONG_IDENTITY");
        assertThat(probes.readiness().status()).isEqualTo(503);
    }
}
