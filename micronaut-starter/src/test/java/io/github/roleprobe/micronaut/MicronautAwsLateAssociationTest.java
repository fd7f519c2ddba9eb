package io.github.roleprobe.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.Poller;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Micronaut AWS in a pod that started before its EKS Pod Identity association was effective, with the IMDS fallback
 * turned off as the README recommends ({@code AWS_EC2_METADATA_DISABLED=true}, here its system property
 * {@code aws.disableEc2Metadata}): Micronaut AWS's chain finds no credentials while the agent refuses, and, since a
 * chain remembers only a provider that answered, it gets the pod's role once the association is effective. Readiness
 * waits (503, {@code NO_CREDENTIALS}) and turns UP then; the SQS client's requests are never sent as the node role.
 */
class MicronautAwsLateAssociationTest extends MicronautAwsTest {

    @Test
    void readinessWaitsWithoutCredentialsAndTurnsUpOnceTheAssociationIsEffectiveTheSqsClientThenSignsWithThePodRole() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).associationConsistentAfter(Duration.ofHours(1))
                .sqsQueue(QUEUE));
        System.setProperty("aws.disableEc2Metadata", "true"); // restored by the simulator's close()
        start(Map.of("role-probe.role-arns", ROLE), IN_KUBERNETES);
        List<HealthResponse> readiness;
        try (Poller<HealthResponse> poller = Poller.start("readiness", app::readiness)) {
            micronautAwsChain(app.context());

            HealthResponse waiting = app.awaitReadiness(r -> "NO_CREDENTIALS".equals(r.state()));
            assertThat(waiting.status()).isEqualTo(503);
            assertThat((String) waiting.roleProbe().get("reason"))
                    .startsWith("The application's credentials provider (AwsCredentialsProviderChain) returned no"
                            + " credentials: EKS Pod Identity: the agent at ")
                    .contains(" answered 403");
            assertThat(app.liveness().status()).as("a restart would not help").isEqualTo(200);

            // The application's SQS client, on the same chain, gets no credentials either: nothing is sent.
            SqsClient sqs = micronautAwsSqs(app.context());
            Throwable failed = catchThrowable(() -> send(sqs, "order-1"));
            assertThat(failed).isInstanceOf(SdkClientException.class)
                    .hasMessageContaining("Unable to load credentials from any of the providers in the chain");
            scan(failed.getMessage());
            assertThat(simulator.counters().sqsRequests()).isZero();

            simulator.makeAssociationConsistent();
            HealthResponse ready = app.awaitReadiness(r -> r.status() == 200);
            assertThat(ready.roleProbe()).containsEntry("state", "VERIFIED")
                    .containsEntry("callerArn", simulator.podIdentityCallerArn())
                    .containsEntry("credentialSource", "CONTAINER");

            send(sqs, "order-2");
            assertThat(simulator.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(ROLE))).isEqualTo(1);
            HealthResponse after = app.readiness();
            assertThat(after.status()).isEqualTo(200);
            assertThat(clientsOf(after)).singleElement().satisfies(c -> assertThat(c)
                    .containsEntry("service", "sqs").containsEntry("identity", "expected")
                    .containsEntry("credentialSource", "CONTAINER"));
            readiness = poller.stop();
        }
        assertThat(simulator.counters().imdsRequests()).as("IMDS disabled: never asked").isZero();
        assertThat(simulator.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(simulator.nodeRoleArn())))
                .isZero();
        int firstUp = indexOfFirstUp(readiness);
        assertThat(firstUp).as("readiness turned UP while polled").isPositive();
        assertThat(readiness.subList(0, firstUp)).as("before: waiting, never on the node role").allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.state()).isIn("PENDING", "NO_CREDENTIALS");
        });
        assertThat(readiness.subList(firstUp, readiness.size())).as("after: stays UP")
                .allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(200));
    }

    private static int indexOfFirstUp(List<HealthResponse> answers) {
        for (int i = 0; i < answers.size(); i++) {
            if (answers.get(i).status() == 200) {
                return i;
            }
        }
        return -1;
    }
}
