package io.github.roleprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;

class IssueCredentialsTest {

    private static final String ROLE = "arn:aws:iam::111122223333:role/team/app/orders";

    @RegisterExtension
    EksPodSimulatorExtension pod = EksPodSimulatorExtension.of(EksPodSimulator.builder());

    @Test
    void issuedCredentialsAreAcceptedByStsAndCountNoRequest() {
        EksPodSimulator sim = pod.simulator();
        SimulatedCredentials c = sim.issueCredentials(ROLE, "i-0abc");
        assertThat(c.callerArn()).isEqualTo("arn:aws:sts::111122223333:assumed-role/orders/i-0abc");
        assertThat(sim.counters().stsRequests()).isZero();
        assertThat(sim.issuedSecrets()).contains(c.secretAccessKey(), c.sessionToken());
        assertThat(c.toString()).doesNotContain(c.secretAccessKey()).doesNotContain(c.sessionToken());

        AwsSessionCredentials session = AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
        try (StsClient sts = Sdk.sts(sim, StaticCredentialsProvider.create(session))) {
            assertThat(sts.getCallerIdentity().arn()).isEqualTo(c.callerArn());
        }
        assertThat(sim.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
    }

    @Test
    void eachCallMintsADifferentKey() {
        EksPodSimulator sim = pod.simulator();
        assertThat(sim.issueCredentials(ROLE, "s").accessKeyId()).isNotEqualTo(sim.issueCredentials(ROLE, "s").accessKeyId());
    }

    @Test
    void rejectsBadArguments() {
        EksPodSimulator sim = pod.simulator();
        assertThatThrownBy(() -> sim.issueCredentials("arn:aws:iam::111122223333:user/bob", "s"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sim.issueCredentials(ROLE, " ")).isInstanceOf(IllegalArgumentException.class);
    }
}
