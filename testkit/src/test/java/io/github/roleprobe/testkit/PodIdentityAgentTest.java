package io.github.roleprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

class PodIdentityAgentTest {

    static final String ROLE = "arn:aws:iam::111122223333:role/orders";

    @RegisterExtension
    EksPodSimulatorExtension pod = EksPodSimulatorExtension.of(EksPodSimulator.builder().podIdentity(ROLE));

    @Test
    void containerProviderGetsThePodRoleAndStsReportsItsAssumedRoleArn() {
        EksPodSimulator sim = pod.simulator();
        try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build();
             StsClient sts = Sdk.sts(sim, provider)) {
            AwsCredentials credentials = provider.resolveCredentials();
            assertThat(credentials).isInstanceOf(AwsSessionCredentials.class);
            assertThat(credentials.accessKeyId()).matches("ASIA[A-Z0-9]{16}");
            // SDK 2.57 reports the business-metric feature id here: "z" = CREDENTIALS_HTTP
            assertThat(credentials.providerName()).hasValue("z");
            assertThat(credentials.expirationTime()).hasValueSatisfying(exp -> assertThat(exp)
                    .isBetween(Instant.now().plus(Duration.ofHours(5)), Instant.now().plus(Duration.ofHours(6))));

            GetCallerIdentityResponse identity = sts.getCallerIdentity();

            assertThat(identity.arn())
                    .isEqualTo(sim.podIdentityCallerArn())
                    .matches("arn:aws:sts::111122223333:assumed-role/orders/eks-demo-app-5d8f7b9c6d-x2k4q-[0-9a-f-]{34}");
            assertThat(identity.arn().substring(identity.arn().lastIndexOf('/') + 1)).hasSize(64);
            assertThat(identity.account()).isEqualTo("111122223333");
            assertThat(identity.userId()).matches("AROA[A-Z0-9]{17}:eks-demo-app-5d8f7b9c6d-x2k4q-[0-9a-f-]{34}");
            assertThat(sim.counters().agentRequests()).isEqualTo(1);
            assertThat(sim.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
            assertThat(sim.issuedSecrets().contains(credentials.secretAccessKey()))
                    .as("issuedSecrets() holds the secret key handed out").isTrue();
        }
    }

    @Test
    void agentRejectsAMissingOrWrongAuthorizationToken() throws Exception {
        EksPodSimulator sim = pod.simulator();
        HttpClient http = HttpClient.newHttpClient();
        URI uri = sim.podIdentityAgentUri();

        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer nope").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.body()).contains("\"Code\":\"AccessDeniedException\"");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).startsWith("{").contains("\"Message\"");
    }

    @Test
    void sdkFailsWhenTheTokenFileHasATrailingNewline() throws Exception {
        EksPodSimulator sim = pod.simulator();
        String token = Files.readString(sim.podIdentityTokenFile());
        assertThat(token).doesNotEndWith("\n");
        Files.writeString(sim.podIdentityTokenFile(), token + "\n");

        try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
            assertThatThrownBy(provider::resolveCredentials).isInstanceOf(SdkClientException.class);
        }
        // the SDK refuses to send a header value with a line break: the agent never sees the request
        assertThat(sim.counters().agentRequests()).isZero();
        assertThat(sim.counters().stsGetCallerIdentityCalls()).isZero();
    }

    @Test
    void rotationHandsOutANewKeyPairThatStsStillRecognises() {
        EksPodSimulator sim = pod.simulator();
        try (ContainerCredentialsProvider before = ContainerCredentialsProvider.builder().build();
             ContainerCredentialsProvider after = ContainerCredentialsProvider.builder().build()) {
            AwsCredentials first = before.resolveCredentials();
            String firstArn = sim.podIdentityCallerArn();
            sim.rotatePodIdentityCredentials();
            AwsCredentials second = after.resolveCredentials();

            assertThat(second.accessKeyId()).isNotEqualTo(first.accessKeyId());
            try (StsClient sts = Sdk.sts(sim, after)) {
                assertThat(sts.getCallerIdentity().arn()).isEqualTo(sim.podIdentityCallerArn()).isNotEqualTo(firstArn)
                        .startsWith(EksPodSimulator.assumedRoleArn(ROLE));
            }
        }
    }

    @Test
    void agentFailsUntilTheAssociationIsConsistentThenHandsOutThePodRole() {
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity(ROLE)
                .associationConsistentAfterRequests(2).agentFailure(AgentFailure.FORBIDDEN_403).start()) {
            sim.applySystemProperties();
            try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
                assertThatThrownBy(provider::resolveCredentials).isInstanceOf(SdkClientException.class);
                assertThatThrownBy(provider::resolveCredentials).isInstanceOf(SdkClientException.class);
                AwsCredentials credentials = provider.resolveCredentials();
                try (StsClient sts = Sdk.sts(sim, () -> credentials)) {
                    assertThat(sts.getCallerIdentity().arn()).startsWith("arn:aws:sts::111122223333:assumed-role/orders/eks-demo-");
                }
            }
            assertThat(sim.counters().agentRequests()).isEqualTo(3);
        }
    }

    @Test
    void defaultChainFallsThroughToTheNodeRoleWhileTheAssociationIsNotEffective() {
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity(ROLE)
                .associationConsistentAfter(Duration.ofHours(1)).start()) {
            sim.applySystemProperties();
            try (DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
                 StsClient sts = Sdk.sts(sim, chain)) {
                assertThat(sts.getCallerIdentity().arn()).isEqualTo(sim.nodeRoleCallerArn())
                        .isEqualTo("arn:aws:sts::111122223333:assumed-role/eks-node-group-role/i-0123456789abcdef0");
                assertThat(chain.resolveCredentials().providerName()).hasValue("0"); // the chain passes the provider's feature id through

                sim.makeAssociationConsistent();
                // reuseLastProviderEnabled: the chain stays on the node role
                assertThat(sts.getCallerIdentity().arn()).isEqualTo(sim.nodeRoleCallerArn());
            }
            try (DefaultCredentialsProvider fresh = DefaultCredentialsProvider.builder().build();
                 StsClient sts = Sdk.sts(sim, fresh)) {
                assertThat(sts.getCallerIdentity().arn()).isEqualTo(sim.podIdentityCallerArn());
            }
            assertThat(sim.counters().agentRequests()).isGreaterThanOrEqualTo(2);
            assertThat(sim.counters().imdsCredentialRequests()).isEqualTo(1);
        }
    }

    @Test
    void agentServerErrorsAreRetriedBySdkAndStillFail() {
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity(ROLE)
                .associationConsistentAfter(Duration.ofHours(1)).agentFailure(AgentFailure.SERVER_ERROR_500).start()) {
            sim.applySystemProperties();
            try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
                assertThatThrownBy(provider::resolveCredentials).isInstanceOf(SdkClientException.class);
            }
            assertThat(sim.counters().agentRequests()).isGreaterThan(1);
        }
    }

    @Test
    void agentTimeoutExceedsTheSdkReadTimeoutWithoutBlockingOtherEndpoints() {
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity(ROLE)
                .associationConsistentAfter(Duration.ofHours(1)).agentFailure(AgentFailure.TIMEOUT).start()) {
            sim.applySystemProperties();
            long start = System.nanoTime();
            try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
                assertThatThrownBy(provider::resolveCredentials).isInstanceOf(SdkClientException.class)
                        .hasMessage("Failed to load credentials from metadata service.")
                        .cause().isInstanceOf(java.net.SocketTimeoutException.class).hasMessage("Read timed out");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(9));
            assertThat(sim.counters().agentRequests()).as("1 s read timeout, retried 5 times").isEqualTo(6);
            sim.makeAssociationConsistent();
            try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
                assertThat(provider.resolveCredentials().accessKeyId()).startsWith("ASIA");
            }
        }
    }
}
