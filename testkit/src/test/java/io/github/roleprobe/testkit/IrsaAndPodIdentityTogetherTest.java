package io.github.roleprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;

/** A pod with both IRSA and Pod Identity injected: the SDK's default chain takes web identity first. */
class IrsaAndPodIdentityTogetherTest {

    static final String POD_IDENTITY_ROLE = "arn:aws:iam::111122223333:role/billing";
    static final String IRSA_ROLE = "arn:aws:iam::111122223333:role/billing-legacy";

    @Test
    void theDefaultChainUsesIrsaAndNeverAsksTheAgent() {
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity(POD_IDENTITY_ROLE).irsa(IRSA_ROLE).start()) {
            sim.applySystemProperties();
            assertThat(sim.environment()).containsKeys("AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
            try (DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
                 StsClient sts = Sdk.sts(sim, chain)) {
                assertThat(sts.getCallerIdentity().arn())
                        .matches("arn:aws:sts::111122223333:assumed-role/billing-legacy/aws-sdk-java-\\d+");
                assertThat(chain.resolveCredentials().providerName()).hasValue("h,k"); // web identity via STS
            }
            assertThat(sim.counters().agentRequests()).isZero();
            assertThat(sim.counters().stsAssumeRoleWithWebIdentityCalls()).isEqualTo(1);

            try (ContainerCredentialsProvider container = ContainerCredentialsProvider.builder().build();
                 StsClient sts = Sdk.sts(sim, container)) {
                assertThat(sts.getCallerIdentity().arn()).isEqualTo(sim.podIdentityCallerArn())
                        .startsWith("arn:aws:sts::111122223333:assumed-role/billing/eks-demo-");
            }
        }
    }
}
