package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sts.auth.StsWebIdentityTokenFileCredentialsProvider;

/**
 * Spring Cloud AWS with IRSA environment present (the web identity token file and {@code AWS_ROLE_ARN}, here their
 * system properties): Spring Cloud AWS builds its own {@link StsWebIdentityTokenFileCredentialsProvider} as its
 * {@code credentialsProvider}, with an STS client of its own; role-probe verifies that bean, whose
 * {@code AssumeRoleWithWebIdentity} credentials STS confirms as the expected role, and the requests of Spring Cloud
 * AWS's SQS client, signed with them, pass through the request guard as {@code expected}.
 */
class SpringCloudAwsIrsaTest extends SpringCloudAwsSpringBootTest {

    @RegisterExtension
    static final SimulatedPod POD = SimulatedPod.of(EksPodSimulator.builder().irsa(ROLE).sqsQueue(QUEUE));

    @Override
    SimulatedPod pod() {
        return POD;
    }

    @Test
    void roleProbeVerifiesSpringCloudAwsWebIdentityProviderAndSeesItsSqsClient() {
        EksPodSimulator simulator = POD.simulator();
        assertThat(springCloudAwsProvider).as("Spring Cloud AWS's provider with IRSA environment")
                .isInstanceOf(StsWebIdentityTokenFileCredentialsProvider.class);

        probes.awaitOn(Probes.READINESS, r -> r.status() == 200);
        HealthResponse verified = probes.roleProbe();
        assertThat(verified.details())
                .containsEntry("state", "VERIFIED")
                .containsEntry("injection", "IRSA");
        assertThat((String) verified.details().get("callerArn")).startsWith(EksPodSimulator.assumedRoleArn(ROLE));
        assertThat(simulator.counters().stsAssumeRoleWithWebIdentityCalls()).isPositive();
        assertRoleProbeResolvedTheSpringCloudAwsProvider(verified.details(),
                () -> simulator.counters().stsAssumeRoleWithWebIdentityCalls());

        send("order 1");

        assertThat(simulator.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(ROLE))).isPositive();
        HealthResponse after = probes.roleProbe();
        assertThat(clients(after, "sqs")).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("identity", "expected")
                .containsEntry("callerArn", verified.details().get("callerArn")));
        assertThat(after.status()).isEqualTo(200);
        assertThat(probes.liveness().status()).isEqualTo(200);
    }
}
