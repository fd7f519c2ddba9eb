package io.github.roleprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

class InstanceProfileTest {

    @Test
    void instanceProfileProviderGetsTheNodeRoleWithTheInstanceIdAsSession() {
        try (EksPodSimulator sim = EksPodSimulator.builder().start()) {
            sim.applySystemProperties();
            try (InstanceProfileCredentialsProvider provider = InstanceProfileCredentialsProvider.builder().build();
                 StsClient sts = Sdk.sts(sim, provider)) {
                AwsCredentials credentials = provider.resolveCredentials();
                GetCallerIdentityResponse identity = sts.getCallerIdentity();

                assertThat(credentials.providerName()).hasValue("0"); // SDK 2.57: feature id CREDENTIALS_IMDS
                assertThat(identity.arn())
                        .isEqualTo("arn:aws:sts::111122223333:assumed-role/eks-node-group-role/i-0123456789abcdef0")
                        .isEqualTo(sim.nodeRoleCallerArn());
                assertThat(identity.userId()).matches("AROA[A-Z0-9]{17}:i-0123456789abcdef0");
                assertThat(sim.counters().imdsCredentialRequests()).isEqualTo(1);
            }
        }
    }

    @Test
    void imdsRequiresASessionTokenAndNotFoundsTheExtendedPath() throws Exception {
        try (EksPodSimulator sim = EksPodSimulator.builder().start()) {
            HttpClient http = HttpClient.newHttpClient();
            String base = sim.imdsEndpoint().toString();
            HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(
                    java.net.URI.create(base + "/latest/meta-data/iam/security-credentials/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> token = http.send(HttpRequest.newBuilder(java.net.URI.create(base + "/latest/api/token"))
                    .header("x-aws-ec2-metadata-token-ttl-seconds", "21600")
                    .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> roles = http.send(HttpRequest.newBuilder(
                    java.net.URI.create(base + "/latest/meta-data/iam/security-credentials/"))
                    .header("x-aws-ec2-metadata-token", token.body()).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> extended = http.send(HttpRequest.newBuilder(
                    java.net.URI.create(base + "/latest/meta-data/iam/security-credentials-extended/"))
                    .header("x-aws-ec2-metadata-token", token.body()).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(noToken.statusCode()).isEqualTo(401);
            assertThat(token.statusCode()).isEqualTo(200);
            assertThat(token.headers().firstValue("x-aws-ec2-metadata-token-ttl-seconds")).hasValue("21600");
            assertThat(roles.body()).isEqualTo("eks-node-group-role");
            assertThat(extended.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void absentImdsRefusesConnectionsAndTheProviderFails() {
        try (EksPodSimulator sim = EksPodSimulator.builder().imds(ImdsMode.ABSENT).start()) {
            sim.applySystemProperties();
            try (InstanceProfileCredentialsProvider provider = InstanceProfileCredentialsProvider.builder().build()) {
                assertThatThrownBy(provider::resolveCredentials).isInstanceOf(SdkClientException.class);
            }
            assertThat(sim.counters().imdsRequests()).isZero();
        }
    }

    @Test
    void blackHoleImdsTimesOutTheProviderAndCanBeSwitchedBackToTheNodeRole() {
        try (EksPodSimulator sim = EksPodSimulator.builder().imds(ImdsMode.BLACK_HOLE).start()) {
            sim.applySystemProperties();
            long start = System.nanoTime();
            try (InstanceProfileCredentialsProvider provider = InstanceProfileCredentialsProvider.builder().build()) {
                assertThatThrownBy(provider::resolveCredentials).isInstanceOf(SdkClientException.class);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(9));
            assertThat(sim.counters().imdsRequests()).isPositive();

            sim.setImdsMode(ImdsMode.NODE_ROLE);
            try (InstanceProfileCredentialsProvider provider = InstanceProfileCredentialsProvider.builder().build();
                 StsClient sts = Sdk.sts(sim, provider)) {
                assertThat(sts.getCallerIdentity().arn()).isEqualTo(sim.nodeRoleCallerArn());
            }
        }
    }
}
