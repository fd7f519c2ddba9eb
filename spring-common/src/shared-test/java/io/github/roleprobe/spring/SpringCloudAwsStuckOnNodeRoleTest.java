package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * Spring Cloud AWS, default configuration, IMDS reachable, the association effective late: the application sends an
 * SQS message at startup, while the agent still refuses. Spring Cloud AWS's shared chain falls through to IMDS and
 * keeps the node role for the life of the JVM, for its SQS client and for role-probe alike, since role-probe verifies
 * that same bean. Once the association is effective nothing changes: readiness stays 503, the details name the SQS
 * client, the chain never asks the agent again (a chain of role-probe's own would, and would get the pod's role), and
 * liveness fails after the (shortened) grace so that the kubelet restarts the container.
 */
@TestPropertySource(properties = "role-probe.liveness-grace=2s")
@Import(SpringCloudAwsStuckOnNodeRoleTest.StartupSend.class)
class SpringCloudAwsStuckOnNodeRoleTest extends SpringCloudAwsSpringBootTest {

    @RegisterExtension
    static final SimulatedPod POD = SimulatedPod.of(EksPodSimulator.builder().podIdentity(ROLE).sqsQueue(QUEUE)
            .associationConsistentAfter(Duration.ofHours(1)));

    @TestConfiguration
    static class StartupSend {

        /** The application's first SQS request, at startup: before the association is effective. */
        @Bean
        ApplicationRunner sendAtStartup(io.awspring.cloud.sqs.operations.SqsTemplate sqs) {
            return args -> sqs.send(QUEUE, "order 0");
        }
    }

    @Override
    SimulatedPod pod() {
        return POD;
    }

    @Test
    void theSpringCloudAwsChainStuckOnTheNodeRoleHoldsReadinessAndFailsLivenessAfterTheGrace() {
        EksPodSimulator simulator = POD.simulator();
        String nodeRole = EksPodSimulator.assumedRoleArn(simulator.nodeRoleArn());
        assertThat(simulator.counters().sqsRequestsBy(nodeRole)).as("the startup send, signed as the node role")
                .isPositive();
        HealthResponse stuck = probes.awaitOn(Probes.ROLE_PROBE,
                r -> "WRONG_IDENTITY".equals(r.state()) && !clients(r, "sqs").isEmpty());
        assertThat(stuck.details())
                .containsEntry("wrongIdentity", "NODE_ROLE")
                .containsEntry("credentialSource", "INSTANCE_PROFILE")
                .containsEntry("injection", "POD_IDENTITY")
                .containsKey("livenessDeadline");
        assertThat(clients(stuck, "sqs")).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("identity", "node_role")
                .containsEntry("credentialSource", "INSTANCE_PROFILE"));

        simulator.makeAssociationConsistent();
        long agentRequests = simulator.counters().agentRequests();
        long attempts = ((Number) stuck.details().get("attempts")).longValue();
        HealthResponse later = probes.awaitOn(Probes.ROLE_PROBE,
                r -> ((Number) r.details().get("attempts")).longValue() >= attempts + 2);
        assertThat(simulator.counters().agentRequests()).as("the stuck chain never asks the agent again")
                .isEqualTo(agentRequests);
        assertThat(later.details()).containsEntry("state", "WRONG_IDENTITY")
                .containsEntry("wrongIdentity", "NODE_ROLE")
                .as("role-probe's own attempts never confirmed the pod's role").doesNotContainKey("lastConfirmed");
        assertThat((String) later.details().get("reason")).contains("The application's sqs client");

        send("order 1");
        assertThat(simulator.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(ROLE))).as("never the pod's role")
                .isZero();
        HealthResponse live = probes.awaitOn(Probes.LIVENESS, r -> r.status() == 503);
        assertThat(live.healthStatus()).isEqualTo("DOWN");
        assertThat(probes.readiness().status()).isEqualTo(503);
    }
}
