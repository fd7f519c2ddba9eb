package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.Poller;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The application's own SDK client sticks on the node role, over HTTP. The application has no
 * {@link AwsCredentialsProvider} bean (the zero-config case) but an {@link StsClient} bean built without a credentials
 * provider, which builds its own SDK default chain at its first call. That call happens while the Pod Identity
 * association is not consistent, so the chain falls through to IMDS and keeps the node role; role-probe's own chain,
 * fresh for each attempt, gets the pod's role once the association is consistent. Role-probe's request guard saw the
 * client sign with the node role: readiness never answers UP, the details name the client, and liveness fails after
 * the (shortened) grace so that the kubelet restarts the container.
 */
@TestPropertySource(properties = "role-probe.liveness-grace=2s")
@Import(AppClientStuckOnNodeRoleTest.ApplicationClient.class)
class AppClientStuckOnNodeRoleTest extends SimulatedPodSpringBootTest {

    @RegisterExtension
    static final SimulatedPod POD = SimulatedPod.of(EksPodSimulator.builder().podIdentity(ROLE)
            .associationConsistentAfter(Duration.ofHours(1)));

    @TestConfiguration
    static class ApplicationClient {

        /** The application's STS client as applications build theirs: no credentials provider given. */
        @Bean(destroyMethod = "close")
        StsClient applicationStsClient() {
            return StsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        }
    }

    @Autowired
    StsClient sts;

    @Autowired
    ApplicationAvailability availability;

    @Override
    SimulatedPod pod() {
        return POD;
    }

    private String caller() {
        String arn = sts.getCallerIdentity().arn();
        POD.scan(arn);
        return arn;
    }

    @Test
    void readinessNeverAnswersUpWhileTheApplicationsClientSignsWithTheNodeRoleAndLivenessFailsAfterTheGrace() {
        EksPodSimulator simulator = POD.simulator();
        assertThat(context.getBeanNamesForType(AwsCredentialsProvider.class)).as("zero config").isEmpty();
        List<HealthResponse> readiness;
        int answeredBeforeOwnChainVerified;
        try (Poller<HealthResponse> poller = Poller.start("readiness", probes::readiness)) {
            // The client's first call happens while the agent still refuses: its chain falls through to IMDS.
            assertThat(caller()).isEqualTo(simulator.nodeRoleCallerArn());

            HealthResponse flagged = probes.roleProbe();
            assertThat(flagged.status()).isEqualTo(503);
            assertThat(flagged.details())
                    .containsEntry("state", "WRONG_IDENTITY")
                    .containsEntry("wrongIdentity", "NODE_ROLE")
                    .containsEntry("credentialSource", "INSTANCE_PROFILE")
                    .containsEntry("guard", "observe");
            assertThat((String) flagged.details().get("reason"))
                    .startsWith("The application's sts client (GetCallerIdentity) signed a request as the node role")
                    .contains("credentials from INSTANCE_PROFILE", "not " + ROLE);
            assertThat(flagged.clients()).singleElement().satisfies(c -> {
                assertThat(c).containsEntry("service", "sts")
                        .containsEntry("identity", "node_role")
                        .containsEntry("credentialSource", "INSTANCE_PROFILE")
                        .containsEntry("wrongOperation", "GetCallerIdentity")
                        .containsKeys("wrongSince", "lastSeen");
                assertThat((String) c.get("accessKeyId")).matches("ASIA…\\w{4}");
            });

            simulator.makeAssociationConsistent();
            // role-probe's own fresh chain gets the pod's role and STS confirms it (lastConfirmed appears) ...
            HealthResponse ownChainVerified = probes.awaitOn(Probes.ROLE_PROBE,
                    r -> r.details().containsKey("lastConfirmed"));
            // ... but the application's client keeps the node role: still not ready, still naming it.
            assertThat(ownChainVerified.details()).containsEntry("state", "WRONG_IDENTITY")
                    .containsEntry("wrongIdentity", "NODE_ROLE");
            answeredBeforeOwnChainVerified = poller.answers().size();
            assertThat(caller()).isEqualTo(simulator.nodeRoleCallerArn());
            HealthResponse named = probes.awaitOn(Probes.ROLE_PROBE,
                    r -> simulator.nodeRoleCallerArn().equals(r.details().get("callerArn")));
            assertThat((String) named.details().get("reason"))
                    .contains("The application's sts client", "the node role " + simulator.nodeRoleCallerArn());
            assertThat(named.clients()).singleElement().satisfies(c -> assertThat(c)
                    .containsEntry("identity", "node_role")
                    .containsEntry("callerArn", simulator.nodeRoleCallerArn()));
            Instant stateSince = Instant.parse((String) named.details().get("stateSince"));
            assertThat(Duration.between(stateSince, Instant.parse((String) named.details().get("livenessDeadline"))))
                    .isEqualTo(Duration.ofSeconds(2));

            HealthResponse live = probes.awaitOn(Probes.LIVENESS, r -> r.status() == 503);
            assertThat(live.healthStatus()).isEqualTo("DOWN");
            assertThat(availability.getLivenessState()).isEqualTo(LivenessState.BROKEN);
            readiness = poller.stop();
        }
        assertThat(readiness).as("every readiness answer, from start to liveness DOWN").isNotEmpty()
                .allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(503));
        assertThat(readiness.size()).as("polled after role-probe's own chain was verified too")
                .isGreaterThan(answeredBeforeOwnChainVerified);
        assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
        HealthResponse roleProbe = probes.roleProbe();
        assertThat(roleProbe.healthStatus()).isEqualTo("DOWN");
        assertThat(roleProbe.details()).containsEntry("state", "WRONG_IDENTITY").containsKey("lastConfirmed");
    }
}
