package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * Spring Cloud AWS, default configuration, EKS Pod Identity consistent from the start: Spring Cloud AWS's
 * {@code credentialsProvider} is the SDK's shared {@code DefaultCredentialsProvider}; role-probe verifies that bean
 * (one STS call), readiness is UP, and the requests of Spring Cloud AWS's SQS client pass through the request guard,
 * shown as {@code expected} without a further STS call.
 */
class SpringCloudAwsPodIdentityFromTheStartTest extends SpringCloudAwsSpringBootTest {

    @RegisterExtension
    static final SimulatedPod POD = SimulatedPod.of(EksPodSimulator.builder().podIdentity(ROLE).sqsQueue(QUEUE));

    @Override
    SimulatedPod pod() {
        return POD;
    }

    @Test
    void roleProbeVerifiesSpringCloudAwsCredentialsProviderAndSeesItsSqsClient() {
        EksPodSimulator simulator = POD.simulator();
        assertThat(springCloudAwsProvider).as("Spring Cloud AWS's default").isInstanceOf(DefaultCredentialsProvider.class);

        probes.awaitOn(Probes.READINESS, r -> r.status() == 200);
        HealthResponse verified = probes.roleProbe();
        assertThat(verified.details())
                .containsEntry("state", "VERIFIED")
                .containsEntry("callerArn", simulator.podIdentityCallerArn())
                .containsEntry("credentialSource", "CONTAINER")
                .containsEntry("stsCalls", 1)
                .doesNotContainKey("clients");
        assertRoleProbeResolvedTheSpringCloudAwsProvider(verified.details(), () -> simulator.counters().agentRequests());

        send("order 1");

        assertThat(simulator.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(ROLE))).isPositive();
        assertThat(simulator.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(simulator.nodeRoleArn()))).isZero();
        assertThat(simulator.sqsVisibleMessages(QUEUE)).isEqualTo(1);
        HealthResponse after = probes.roleProbe();
        assertThat(after.status()).isEqualTo(200);
        assertThat(clients(after, "sqs")).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("identity", "expected")
                .containsEntry("credentialSource", "CONTAINER")
                .containsEntry("callerArn", simulator.podIdentityCallerArn()));
        assertThat(after.details()).as("the SQS client's key is the one role-probe confirmed: no STS call")
                .containsEntry("stsCalls", 1);
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
        assertThat(probes.liveness().status()).isEqualTo(200);
    }
}
