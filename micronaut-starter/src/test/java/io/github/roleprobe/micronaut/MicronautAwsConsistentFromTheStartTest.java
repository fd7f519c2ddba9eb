package io.github.roleprobe.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.Poller;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Micronaut AWS in a pod whose EKS Pod Identity association is consistent from the start: role-probe verifies Micronaut
 * AWS's {@code awsCredentialsProvider} chain (not a chain of its own), and the requests of Micronaut AWS's
 * {@link SqsClient} pass through the request guard, signed with the role STS confirmed.
 */
class MicronautAwsConsistentFromTheStartTest extends MicronautAwsTest {

    @Test
    void roleProbeVerifiesMicronautAwsChainAndItsSqsClientSignsWithTheConfirmedRole() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).sqsQueue(QUEUE));
        start(Map.of("role-probe.role-arns", ROLE), IN_KUBERNETES);
        List<HealthResponse> readiness;
        try (Poller<HealthResponse> poller = Poller.start("readiness", app::readiness)) {
            micronautAwsChain(app.context());
            assertThat(logs().count("several AwsCredentialsProvider beans")).isZero();

            HealthResponse ready = app.awaitReadiness(r -> r.status() == 200);

            assertThat(ready.roleProbe()).containsEntry("state", "VERIFIED")
                    .containsEntry("callerArn", simulator.podIdentityCallerArn())
                    .containsEntry("credentialSource", "CONTAINER")
                    .containsEntry("injection", "POD_IDENTITY")
                    .containsEntry("stsCalls", 1)
                    .doesNotContainKey("clients");
            assertThat(simulator.counters().agentRequests()).as("role-probe resolved Micronaut AWS's chain once")
                    .isEqualTo(1);

            SqsClient sqs = micronautAwsSqs(app.context());
            send(sqs, "order-1");
            send(sqs, "order-2");

            // The SQS client shares the chain role-probe verified: no second credential resolution, no STS call
            // to identify its key.
            assertThat(simulator.counters().agentRequests()).isEqualTo(1);
            assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
            assertThat(simulator.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(ROLE))).isEqualTo(2);
            assertThat(simulator.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(simulator.nodeRoleArn())))
                    .isZero();
            assertThat(simulator.sqsVisibleMessages(QUEUE)).isEqualTo(2);

            HealthResponse after = app.readiness();
            assertThat(after.status()).isEqualTo(200);
            assertThat(after.roleProbe()).containsEntry("state", "VERIFIED").containsEntry("stsCalls", 1);
            assertThat(clientsOf(after)).singleElement().satisfies(c -> {
                assertThat(c).containsEntry("service", "sqs")
                        .containsEntry("identity", "expected")
                        .containsEntry("credentialSource", "CONTAINER")
                        .containsEntry("callerArn", simulator.podIdentityCallerArn())
                        .doesNotContainKeys("wrongSince", "wrongOperation");
                assertThat((String) c.get("accessKeyId")).matches("ASIA…\\w{4}");
            });
            assertThat(app.liveness().status()).isEqualTo(200);
            readiness = poller.stop();
        }
        assertThat(readiness).as("readiness answers before the role was confirmed")
                .filteredOn(r -> r.status() != 200)
                .allSatisfy(r -> assertThat(r.state()).isEqualTo("PENDING"));
    }
}
