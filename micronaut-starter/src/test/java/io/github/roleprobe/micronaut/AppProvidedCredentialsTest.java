package io.github.roleprobe.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/** The application's own {@code AwsCredentialsProvider} bean is what role-probe verifies. */
class AppProvidedCredentialsTest extends SimulatedPodTest {

    @Test
    void applicationProviderStuckOnTheNodeRoleFailsReadinessAndLaterLiveness() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).associationConsistentAfter(Duration.ofHours(1)));
        // The application built its chain while the agent refused: the chain fell through to IMDS and stays there.
        try (DefaultCredentialsProvider appChain = DefaultCredentialsProvider.builder().build()) {
            AwsCredentials stuck = appChain.resolveCredentials();
            simulator.makeAssociationConsistent();
            // A fresh chain would now get the pod role; the application's does not.
            start(Map.of("role-probe.role-arns", ROLE, "role-probe.liveness-grace", "1s"), IN_KUBERNETES, appChain);

            HealthResponse ready = app.awaitReadiness(r -> "WRONG_IDENTITY".equals(r.state()));

            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.roleProbe())
                    .containsEntry("wrongIdentity", "NODE_ROLE")
                    .containsEntry("callerArn", simulator.nodeRoleCallerArn())
                    .containsEntry("credentialSource", "INSTANCE_PROFILE")
                    .containsEntry("injection", "POD_IDENTITY")
                    .containsKey("livenessDeadline");
            assertThat((String) ready.roleProbe().get("accessKeyId"))
                    .startsWith(stuck.accessKeyId().substring(0, 4))
                    .endsWith(stuck.accessKeyId().substring(stuck.accessKeyId().length() - 4));

            HealthResponse live = app.awaitLiveness(r -> r.status() == 503);
            assertThat(live.healthStatus()).isEqualTo("DOWN");
            assertThat(live.roleProbeLiveness()).containsEntry("state", "WRONG_IDENTITY");
            assertThat(app.readiness().status()).isEqualTo(503);
        }
    }
}
