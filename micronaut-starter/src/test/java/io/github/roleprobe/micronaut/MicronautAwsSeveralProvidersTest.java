package io.github.roleprobe.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.testkit.SimulatedCredentials;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * An application with Micronaut AWS that also defines a credentials provider bean of its own (for a client of another
 * role), none {@code @Primary}: role-probe verifies Micronaut AWS's {@code awsCredentialsProvider}, the chain every
 * Micronaut AWS client signs with, and says so once; it does not fall back to a chain of its own.
 */
class MicronautAwsSeveralProvidersTest extends MicronautAwsTest {

    private static final String REPORTS = "arn:aws:iam::111122223333:role/reports-reader";

    @Test
    void roleProbeVerifiesMicronautAwsChainNotTheApplicationsOtherProvider() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).sqsQueue(QUEUE));
        SimulatedCredentials reports = simulator.issueCredentials(REPORTS, "reports-session");
        StaticCredentialsProvider reportsProvider = StaticCredentialsProvider.create(AwsSessionCredentials.create(
                reports.accessKeyId(), reports.secretAccessKey(), reports.sessionToken()));
        start(Map.of("role-probe.role-arns", ROLE, "role-probe.guard.allowed-role-arns", REPORTS), IN_KUBERNETES,
                reportsProvider);
        assertThat(app.context().getBeansOfType(AwsCredentialsProvider.class)).hasSize(2);

        HealthResponse ready = app.awaitReadiness(r -> r.status() == 200);

        assertThat(ready.roleProbe()).containsEntry("state", "VERIFIED")
                .containsEntry("callerArn", simulator.podIdentityCallerArn())
                .containsEntry("credentialSource", "CONTAINER");

        // Micronaut AWS's SQS client: the very chain role-probe resolved (one agent request for both).
        SqsClient sqs = micronautAwsSqs(app.context());
        send(sqs, "order-1");
        assertThat(simulator.counters().agentRequests()).isEqualTo(1);
        assertThat(simulator.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(ROLE))).isEqualTo(1);
        HealthResponse after = app.readiness();
        assertThat(after.status()).isEqualTo(200);
        assertThat(clientsOf(after)).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("service", "sqs").containsEntry("identity", "expected"));
        assertThat(logs().count("role-probe found several AwsCredentialsProvider beans"
                + " (AwsCredentialsProviderChain, StaticCredentialsProvider) and none is @Primary; it verifies the only"
                + " AwsCredentialsProviderChain bean, the one Micronaut AWS's client factories use")).isEqualTo(1);
        assertThat(logs().count("it verifies the SDK default credential provider chain instead")).isZero();
    }
}
