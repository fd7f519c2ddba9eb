package io.github.roleprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
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
    void absentImdsKeepsItsPortReservedAndServesItAgainWhenSwitched() throws Exception {
        try (EksPodSimulator sim = EksPodSimulator.builder().imds(ImdsMode.ABSENT).start()) {
            URI endpoint = sim.imdsEndpoint();
            int port = endpoint.getPort();
            assertRefusedAndReserved(port);

            sim.setImdsMode(ImdsMode.NODE_ROLE);
            assertThat(sim.imdsEndpoint()).isEqualTo(endpoint);
            assertThat(tokenStatus(endpoint)).isEqualTo(200);

            sim.setImdsMode(ImdsMode.ABSENT);
            assertRefusedAndReserved(port);

            sim.setImdsMode(ImdsMode.BLACK_HOLE);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000); // accepted
            }
            sim.setImdsMode(ImdsMode.NODE_ROLE);
            assertThat(tokenStatus(endpoint)).isEqualTo(200);
            assertThat(sim.counters().imdsRequests()).isEqualTo(2);
        }
    }

    /** Nothing listens, yet the port is not free: a bind that does not share ports fails. */
    private static void assertRefusedAndReserved(int port) throws IOException {
        try (Socket s = new Socket()) {
            assertThatThrownBy(() -> s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000))
                    .isInstanceOf(ConnectException.class);
        }
        try (ServerSocket other = new ServerSocket()) {
            other.setReuseAddress(false);
            assertThatThrownBy(() -> other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)))
                    .isInstanceOf(BindException.class);
        }
    }

    private static int tokenStatus(URI imds) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(imds + "/latest/api/token"))
                        .header("x-aws-ec2-metadata-token-ttl-seconds", "60")
                        .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
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
