package io.github.roleprobe.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.Poller;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Micronaut AWS in a pod that started before its EKS Pod Identity association was effective, with IMDS reachable:
 * Micronaut AWS's {@code awsCredentialsProvider} chain (and so its {@link SqsClient}) resolves credentials while the
 * Pod Identity agent refuses, falls through to IMDS and keeps the node role for the life of the JVM, since the chain
 * ends in the JVM-wide {@code DefaultCredentialsProvider.create()}. Readiness is never UP, the state names the SQS
 * client and the node role, and liveness asks for the restart (a new JVM) that heals it.
 */
class MicronautAwsStuckOnTheNodeRoleTest extends MicronautAwsTest {

    @Test
    void micronautAwsChainAndItsSqsClientStayOnTheNodeRoleReadinessNeverUpLivenessDownAfterTheGrace() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).associationConsistentAfter(Duration.ofHours(1))
                .sqsQueue(QUEUE));
        String nodeRole = simulator.nodeRoleCallerArn();
        start(Map.of("role-probe.role-arns", ROLE, "role-probe.liveness-grace", "2s"), IN_KUBERNETES);
        List<HealthResponse> readiness;
        try (Poller<HealthResponse> poller = Poller.start("readiness", app::readiness)) {
            micronautAwsChain(app.context());

            // role-probe's own attempt, through Micronaut AWS's chain, while the agent refuses: the node role.
            HealthResponse ownAttempt = app.awaitReadiness(r -> nodeRole.equals(r.roleProbe().get("callerArn")));
            assertThat(ownAttempt.roleProbe()).containsEntry("state", "WRONG_IDENTITY")
                    .containsEntry("wrongIdentity", "NODE_ROLE")
                    .containsEntry("credentialSource", "INSTANCE_PROFILE")
                    .containsKey("livenessDeadline");

            // The application's Micronaut AWS SQS client signs with the same chain: the node role.
            SqsClient sqs = micronautAwsSqs(app.context());
            send(sqs, "order-1");
            assertThat(simulator.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(simulator.nodeRoleArn())))
                    .isEqualTo(1);

            HealthResponse named = app.readiness();
            assertThat(named.status()).isEqualTo(503);
            assertThat(named.roleProbe()).containsEntry("state", "WRONG_IDENTITY")
                    .containsEntry("wrongIdentity", "NODE_ROLE")
                    .containsEntry("callerArn", nodeRole);
            assertThat((String) named.roleProbe().get("reason"))
                    .startsWith("The application's sqs client (SendMessage) signed a request as the node role "
                            + nodeRole)
                    .contains("credentials from INSTANCE_PROFILE", "not " + ROLE);
            assertThat(clientsOf(named)).singleElement().satisfies(c -> {
                assertThat(c).containsEntry("service", "sqs")
                        .containsEntry("identity", "node_role")
                        .containsEntry("credentialSource", "INSTANCE_PROFILE")
                        .containsEntry("callerArn", nodeRole)
                        .containsEntry("wrongOperation", "SendMessage")
                        .containsKeys("wrongSince", "lastSeen");
                assertThat((String) c.get("accessKeyId")).matches("ASIA…\\w{4}");
            });

            simulator.makeAssociationConsistent();
            long agentRequests = simulator.counters().agentRequests();
            long attempts = ((Number) named.roleProbe().get("attempts")).longValue();
            // Three more attempts of role-probe on Micronaut AWS's chain: it asks only the provider it settled on.
            HealthResponse later = app.awaitReadiness(r ->
                    ((Number) r.roleProbe().get("attempts")).longValue() >= attempts + 3);
            assertThat(simulator.counters().agentRequests()).as("the chain never asks the agent again")
                    .isEqualTo(agentRequests);
            assertThat(later.roleProbe()).containsEntry("state", "WRONG_IDENTITY")
                    .containsEntry("wrongIdentity", "NODE_ROLE")
                    .doesNotContainKey("lastConfirmed");
            send(sqs, "order-2");
            assertThat(simulator.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(simulator.nodeRoleArn())))
                    .isEqualTo(2);
            assertThat(simulator.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(ROLE))).isZero();

            // A client with a chain of its own, built now, gets the pod's role: only Micronaut AWS's chain is stuck.
            try (DefaultCredentialsProvider fresh = DefaultCredentialsProvider.builder().build();
                 SqsClient other = SqsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                         .credentialsProvider(fresh).build()) {
                send(other, "order-3");
            }
            assertThat(simulator.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(ROLE))).isEqualTo(1);
            // Its key is new to role-probe: identified in the background, with one STS call.
            HealthResponse both = app.awaitReadiness(r -> clientsOf(r).size() == 2
                    && "expected".equals(clientsOf(r).get(1).get("identity")));
            assertThat(both.status()).isEqualTo(503);
            assertThat(clientsOf(both).get(0)).containsEntry("identity", "node_role");
            assertThat(clientsOf(both).get(1)).containsEntry("identity", "expected")
                    .containsEntry("callerArn", simulator.podIdentityCallerArn());
            assertThat((String) both.roleProbe().get("reason"))
                    .startsWith("The application's sqs client (SendMessage) signed a request as the node role");

            HealthResponse live = app.awaitLiveness(r -> r.status() == 503);
            assertThat(live.healthStatus()).isEqualTo("DOWN");
            assertThat(live.roleProbeLiveness()).containsEntry("state", "WRONG_IDENTITY")
                    .containsEntry("wrongIdentity", "NODE_ROLE");
            readiness = poller.stop();
        }
        assertThat(readiness).as("every readiness answer, from start to liveness DOWN").isNotEmpty()
                .allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(503));
        assertThat(readiness).as("never on the pod's role").noneSatisfy(r ->
                assertThat(r.roleProbe()).containsEntry("state", "VERIFIED"));

        // A new application context in the same JVM (not a container restart) gets the same JVM-wide chain back.
        closeApp();
        start(Map.of("role-probe.role-arns", ROLE), IN_KUBERNETES);
        HealthResponse again = app.awaitReadiness(r -> "WRONG_IDENTITY".equals(r.state()));
        assertThat(again.status()).isEqualTo(503);
        assertThat(again.roleProbe()).containsEntry("wrongIdentity", "NODE_ROLE").containsEntry("callerArn", nodeRole)
                .containsEntry("credentialSource", "INSTANCE_PROFILE");
    }
}
