package io.github.roleprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

class SystemPropertiesAndEnvironmentTest {

    @Test
    void irsaScenarioClearsContainerSettingsAndCloseRestoresThem() throws Exception {
        System.setProperty("aws.containerCredentialsFullUri", "http://127.0.0.1:9/previous");
        System.clearProperty("aws.roleArn");
        Path dir;
        try (EksPodSimulator sim = EksPodSimulator.builder().irsa("arn:aws:iam::111122223333:role/orders").start()) {
            sim.applySystemProperties();
            dir = sim.webIdentityTokenFile().getParent();

            assertThat(System.getProperty("aws.containerCredentialsFullUri")).isNull();
            assertThat(System.getProperty("aws.roleArn")).isEqualTo("arn:aws:iam::111122223333:role/orders");
            assertThat(System.getProperty("aws.webIdentityTokenFile")).isEqualTo(sim.webIdentityTokenFile().toString());
            assertThat(System.getProperty("aws.endpointUrlSts")).isEqualTo(sim.stsEndpoint().toString());
            assertThat(System.getProperty("aws.region")).isEqualTo("us-east-1");
            assertThat(Files.size(Path.of(System.getProperty("aws.sharedCredentialsFile")))).isZero();
            assertThat(Files.size(Path.of(System.getProperty("aws.configFile")))).isZero();
        } finally {
            assertThat(System.getProperty("aws.containerCredentialsFullUri")).isEqualTo("http://127.0.0.1:9/previous");
            System.clearProperty("aws.containerCredentialsFullUri");
        }
        assertThat(System.getProperty("aws.roleArn")).isNull();
        assertThat(System.getProperty("aws.endpointUrlSts")).isNull();
        assertThat(System.getProperty("aws.endpointUrlSqs")).isNull();
        assertThat(dir).doesNotExist();
    }

    @Test
    void podIdentitySystemPropertiesPointAtTheAgentAndItsTokenFile() throws Exception {
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity("arn:aws:iam::111122223333:role/orders").start()) {
            Map<String, String> p = sim.systemProperties();

            assertThat(p).containsEntry("aws.endpointUrlSqs", sim.sqsEndpoint().toString());
            assertThat(p.get("aws.endpointUrlSqs")).matches("http://127\\.0\\.0\\.1:\\d+");
            assertThat(p).containsKeys("aws.region", "aws.endpointUrlSts", "aws.ec2MetadataServiceEndpoint",
                    "aws.containerCredentialsFullUri", "aws.containerAuthorizationTokenFile",
                    "aws.sharedCredentialsFile", "aws.configFile").doesNotContainKeys("aws.roleArn", "aws.webIdentityTokenFile");
            assertThat(p.get("aws.containerCredentialsFullUri")).matches("http://127\\.0\\.0\\.1:\\d+/v1/credentials");
            assertThat(p.get("aws.ec2MetadataServiceEndpoint")).matches("http://127\\.0\\.0\\.1:\\d+");
            String token = Files.readString(Path.of(p.get("aws.containerAuthorizationTokenFile")));
            assertThat(token).doesNotEndWith("\n").matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
            assertThat(sim.issuedSecrets().contains(token)).isTrue();
        }
    }

    @Test
    void environmentMirrorsTheSettingsForAChildProcess() {
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity("arn:aws:iam::111122223333:role/orders")
                .irsa("arn:aws:iam::111122223333:role/irsa").region("eu-west-1").start()) {
            Map<String, String> env = sim.environment();

            assertThat(env).contains(entry("AWS_REGION", "eu-west-1"), entry("AWS_STS_REGIONAL_ENDPOINTS", "regional"),
                    entry("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/irsa"),
                    entry("AWS_ENDPOINT_URL_STS", sim.stsEndpoint().toString()),
                    entry("AWS_ENDPOINT_URL_SQS", sim.sqsEndpoint().toString()),
                    entry("AWS_EC2_METADATA_SERVICE_ENDPOINT", sim.imdsEndpoint().toString()),
                    entry("AWS_CONTAINER_CREDENTIALS_FULL_URI", sim.podIdentityAgentUri().toString()),
                    entry("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", sim.podIdentityTokenFile().toString()),
                    entry("AWS_WEB_IDENTITY_TOKEN_FILE", sim.webIdentityTokenFile().toString()),
                    entry("KUBERNETES_SERVICE_HOST", "127.0.0.1"), entry("KUBERNETES_SERVICE_PORT", "443"))
                    .containsKeys("AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE");
            for (String value : env.values()) {
                assertThat(sim.issuedSecrets().contains(value)).as("environment() holds no secret").isFalse();
            }

            Map<String, String> child = new HashMap<>(Map.of("AWS_ACCESS_KEY_ID", "AKIAFROMDEVELOPER", "PATH", "/bin"));
            sim.applyEnvironment(child);
            assertThat(child).doesNotContainKey("AWS_ACCESS_KEY_ID").containsEntry("PATH", "/bin").containsAllEntriesOf(env);
        }
    }

    @Test
    void notInKubernetesLeavesOutTheKubernetesVariables() {
        try (EksPodSimulator sim = EksPodSimulator.builder().inKubernetes(false).start()) {
            assertThat(sim.environment()).doesNotContainKeys("KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT",
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ROLE_ARN");
            assertThat(sim.podIdentityRoleArn()).isNull();
            assertThat(sim.nodeRoleArn()).isEqualTo("arn:aws:iam::111122223333:role/eks-node-group-role");
        }
    }

    @Test
    void assumedRoleArnDropsTheRolePath() {
        assertThat(EksPodSimulator.assumedRoleArn("arn:aws:iam::111122223333:role/team/app/orders"))
                .isEqualTo("arn:aws:sts::111122223333:assumed-role/orders/");
        assertThat(EksPodSimulator.assumedRoleArn("arn:aws-cn:iam::111122223333:role/orders"))
                .isEqualTo("arn:aws-cn:sts::111122223333:assumed-role/orders/");
    }
}
