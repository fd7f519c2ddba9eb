package io.github.roleprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

class PodIdentityTargetRoleTest {

    static final String ASSOCIATION_ROLE = "arn:aws:iam::111122223333:role/gateway";
    static final String TARGET_ROLE = "arn:aws:iam::444455556666:role/gateway-prod";

    @Test
    void theAgentHandsOutTargetRoleCredentialsInTheTargetAccount() {
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity(ASSOCIATION_ROLE)
                .podIdentityTargetRole(TARGET_ROLE).sqsQueue("orders").start()) {
            sim.applySystemProperties();
            assertThat(sim.podIdentityRoleArn()).isEqualTo(ASSOCIATION_ROLE);
            assertThat(sim.podIdentityTargetRoleArn()).isEqualTo(TARGET_ROLE);
            try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build();
                 StsClient sts = Sdk.sts(sim, provider)) {
                AwsCredentials credentials = provider.resolveCredentials();
                GetCallerIdentityResponse identity = sts.getCallerIdentity();

                assertThat(identity.arn()).isEqualTo(sim.podIdentityCallerArn())
                        .matches("arn:aws:sts::444455556666:assumed-role/gateway-prod/eks-demo-app-5d8f7b9c6d-x2k4q-[0-9a-f-]{34}");
                assertThat(identity.account()).isEqualTo("444455556666");
                assertThat(credentials.expirationTime()).hasValueSatisfying(exp ->
                        assertThat(exp).isBeforeOrEqualTo(Instant.now().plus(Duration.ofHours(1))));
                // SDK 2.57's container provider does not read the agent document's AccountId
                assertThat(credentials.accountId()).isEmpty();
            }
            try (DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
                 SqsClient sqs = Sdk.sqs(sim, chain)) {
                sqs.sendMessage(r -> r.queueUrl(sim.sqsQueueUrl("orders")).messageBody("m"));
            }
            assertThat(sim.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(TARGET_ROLE))).isEqualTo(1);
            assertThat(sim.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(ASSOCIATION_ROLE))).isZero();
        }
    }

    @Test
    void withoutATargetRoleTheAccessorIsNullAndATargetNeedsPodIdentity() {
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity(ASSOCIATION_ROLE).start()) {
            assertThat(sim.podIdentityTargetRoleArn()).isNull();
            assertThat(sim.podIdentityCallerArn()).startsWith(EksPodSimulator.assumedRoleArn(ASSOCIATION_ROLE));
        }
        assertThatThrownBy(() -> EksPodSimulator.builder().podIdentityTargetRole(TARGET_ROLE).start())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> EksPodSimulator.builder().podIdentityTargetRole("arn:aws:iam::444455556666:user/x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
