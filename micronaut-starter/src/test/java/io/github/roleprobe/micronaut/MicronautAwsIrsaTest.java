package io.github.roleprobe.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.Poller;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Micronaut AWS with IRSA environment ({@code AWS_ROLE_ARN}, {@code AWS_WEB_IDENTITY_TOKEN_FILE}; here their system
 * properties): Micronaut AWS's chain has no web identity provider of its own, it gets IRSA credentials from the SDK's
 * {@code DefaultCredentialsProvider.create()} it ends in, whose {@code WebIdentityTokenFileCredentialsProvider} calls
 * STS {@code AssumeRoleWithWebIdentity} (the {@code sts} module, which role-probe brings). With no
 * {@code role-probe.role-arns}, IRSA's {@code AWS_ROLE_ARN} is the expected role.
 */
class MicronautAwsIrsaTest extends MicronautAwsTest {

    @Test
    void roleProbeVerifiesTheWebIdentityCredentialsOfMicronautAwsChainWhichItsSqsClientSignsWith() {
        simulate(EksPodSimulator.builder().irsa(ROLE).sqsQueue(QUEUE));
        start(Map.of(), IN_KUBERNETES);
        List<HealthResponse> readiness;
        try (Poller<HealthResponse> poller = Poller.start("readiness", app::readiness)) {
            micronautAwsChain(app.context());

            HealthResponse ready = app.awaitReadiness(r -> r.status() == 200);

            assertThat(ready.roleProbe()).containsEntry("state", "VERIFIED")
                    .containsEntry("credentialSource", "WEB_IDENTITY")
                    .containsEntry("injection", "IRSA")
                    .containsEntry("expectedRoles", List.of(ROLE))
                    .containsEntry("stsCalls", 1);
            String caller = (String) ready.roleProbe().get("callerArn");
            assertThat(caller).startsWith(EksPodSimulator.assumedRoleArn(ROLE));
            assertThat(simulator.counters().stsAssumeRoleWithWebIdentityCalls()).isEqualTo(1);

            SqsClient sqs = micronautAwsSqs(app.context());
            send(sqs, "order-1");
            send(sqs, "order-2");

            // The same chain, with the web identity credentials it cached: no second AssumeRoleWithWebIdentity.
            assertThat(simulator.counters().stsAssumeRoleWithWebIdentityCalls()).isEqualTo(1);
            assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
            assertThat(simulator.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(ROLE))).isEqualTo(2);
            HealthResponse after = app.readiness();
            assertThat(after.status()).isEqualTo(200);
            assertThat(clientsOf(after)).singleElement().satisfies(c -> assertThat(c)
                    .containsEntry("service", "sqs")
                    .containsEntry("identity", "expected")
                    .containsEntry("credentialSource", "WEB_IDENTITY")
                    .containsEntry("callerArn", caller));
            assertThat(app.liveness().status()).isEqualTo(200);
            readiness = poller.stop();
        }
        assertThat(simulator.counters().imdsCredentialRequests()).as("web identity comes before IMDS").isZero();
        assertThat(readiness).filteredOn(r -> r.status() != 200)
                .allSatisfy(r -> assertThat(r.state()).isEqualTo("PENDING"));
    }
}
