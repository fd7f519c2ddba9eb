package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Spring Cloud AWS, default configuration, the EKS Pod Identity association effective late, in a pod with the kit's
 * hardening ({@code AWS_EC2_METADATA_DISABLED=true}, here its system property): Spring Cloud AWS's shared chain finds no
 * credentials while the agent refuses, so nothing sticks; readiness waits (NO_CREDENTIALS), then goes UP once STS
 * confirms the pod's role through that same bean, and Spring Cloud AWS's SQS client then signs with the pod's role.
 * Without the hardening the same chain would stick on the node role: {@link SpringCloudAwsStuckOnNodeRoleTest}.
 */
class SpringCloudAwsLateAssociationTest extends SpringCloudAwsSpringBootTest {

    @RegisterExtension
    static final SimulatedPod POD = SimulatedPod.of(EksPodSimulator.builder().podIdentity(ROLE).sqsQueue(QUEUE)
            .associationConsistentAfter(Duration.ofHours(1)));

    @BeforeAll
    static void disableImds() {
        System.setProperty("aws.disableEc2Metadata", "true");
    }

    @AfterAll
    static void restoreImds() {
        System.clearProperty("aws.disableEc2Metadata");
    }

    @Override
    SimulatedPod pod() {
        return POD;
    }

    @Test
    void readinessWaitsWithoutCredentialsAndGoesUpOnceTheSpringCloudAwsProviderGetsThePodsRole() {
        EksPodSimulator simulator = POD.simulator();
        List<Probes.Observation> observed = new ArrayList<>();
        Probes.Observation waiting = probes.await(o -> "NO_CREDENTIALS".equals(o.state()), observed);
        assertThat(waiting.readiness().status()).isEqualTo(503);
        assertThat(probes.liveness().status()).as("waiting is no reason to restart").isEqualTo(200);
        assertThat(simulator.counters().imdsRequests()).as("IMDS disabled").isZero();

        simulator.makeAssociationConsistent();
        Probes.Observation ready = probes.await(o -> o.readiness().status() == 200, observed);

        assertThat(ready.roleProbe().details())
                .containsEntry("state", "VERIFIED")
                .containsEntry("callerArn", simulator.podIdentityCallerArn())
                .containsEntry("credentialSource", "CONTAINER");
        assertThat(observed.subList(0, observed.size() - 1)).isNotEmpty()
                .allSatisfy(o -> assertThat(o.readiness().status()).isEqualTo(503));
        assertRoleProbeResolvedTheSpringCloudAwsProvider(ready.roleProbe().details(),
                () -> simulator.counters().agentRequests());

        send("order 1");
        assertThat(simulator.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(ROLE))).isPositive();
        assertThat(clients(probes.roleProbe(), "sqs")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("identity", "expected"));
        assertThat(probes.readiness().status()).isEqualTo(200);
        assertThat(probes.liveness().status()).isEqualTo(200);
    }
}
