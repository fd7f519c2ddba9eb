package io.github.roleprobe.sample.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.credentials.CredentialSource;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Starts the sample with role-probe disabled and checks its wiring without any AWS call. The
 * verifier itself is tested in the starter; the end-to-end run is {@code samples/demo.sh}.
 */
class SampleAppSmokeTest {

    private static final Map<String, Object> BASE = Map.of(
            "micronaut.server.host", "127.0.0.1",
            "micronaut.server.port", -1, // Micronaut 4.10 binds port 0 for -1: the kernel picks the port as it binds
            "role-probe.enabled", false);

    @Test
    void servesHealthWithoutAnApplicationCredentialsProviderByDefault() throws Exception {
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, BASE)) {
            ApplicationContext ctx = server.getApplicationContext();
            assertThat(ctx.containsBean(WhoAmIController.class)).isTrue();
            assertThat(ctx.containsBean(StsClient.class)).isTrue();
            assertThat(ctx.findBean(AwsCredentialsProvider.class)).isEmpty();

            HttpResponse<String> liveness = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(server.getURI().resolve(URI.create("/health/liveness")))
                            .timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(liveness.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void writesThePortItListensOnToThePortFile(@TempDir Path dir) throws Exception {
        Path portFile = dir.resolve("app.port");
        Map<String, Object> properties = new HashMap<>(BASE);
        properties.put("micronaut.server.port", 0);
        properties.put("sample.port-file", portFile.toString());
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties)) {
            assertThat(server.getPort()).isPositive();
            assertThat(Files.readString(portFile)).isEqualTo(server.getPort() + "\n");
        }
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, BASE)) {
            assertThat(server.getApplicationContext().containsBean(PortFileWriter.class)).isFalse();
        }
    }

    @Test
    void expectsTheOrdersRoleWhenRoleProbeRoleArnIsUnset() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("ROLE_PROBE_ROLE_ARN") == null);
        try (ApplicationContext ctx = ApplicationContext.builder().properties(BASE).start()) {
            // The default in application.yml holds colons: it must survive Micronaut's placeholder syntax.
            assertThat(ctx.getProperty("role-probe.role-arns", String[].class))
                    .hasValueSatisfying(arns -> assertThat(arns).containsExactly("arn:aws:iam::111122223333:role/orders"));
        }
    }

    @Test
    void warmUpMakesAnEagerCredentialsProviderThatTheStsClientShares() {
        // System properties come first in the SDK chain: the warm-up resolves without any network call.
        System.setProperty("aws.accessKeyId", "AKIAIOSFODNN7EXAMPLE");
        System.setProperty("aws.secretAccessKey", "not-a-secret-just-a-test-value-000000000");
        System.setProperty("aws.region", "us-east-1");
        try (ApplicationContext ctx = ApplicationContext.builder()
                .properties(BASE)
                .properties(Map.of("sample.warm-up-credentials", true))
                .start()) {
            AwsCredentialsProvider provider = ctx.getBean(AwsCredentialsProvider.class);
            assertThat(CredentialSource.fromProviderName(provider.resolveCredentials().providerName()))
                    .isEqualTo(CredentialSource.SYSTEM_PROPERTIES);
            StsClient sts = ctx.getBean(StsClient.class);
            assertThat(sts).isNotNull();
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
            System.clearProperty("aws.region");
        }
    }
}
