package io.github.roleprobe.sample.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.credentials.CredentialSource;
import io.github.roleprobe.testkit.EksPodSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Starts the sample with role-probe disabled and checks its wiring without any AWS call, and once in a simulated EKS
 * pod for its Prometheus endpoint. The verifier itself is tested in the starter; the end-to-end run is
 * {@code samples/demo.sh spring}.
 */
class SampleAppSmokeTest {

    @Test
    void servesProbesWithoutAnApplicationCredentialsProviderByDefault() throws Exception {
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(Application.class)
                .properties("server.port=0", "server.address=127.0.0.1", "role-probe.enabled=false").run()) {
            assertThat(ctx.getBeanNamesForType(WhoAmIController.class)).hasSize(1);
            assertThat(ctx.getBeanNamesForType(StsClient.class)).hasSize(1);
            assertThat(ctx.getBeanNamesForType(AwsCredentialsProvider.class)).isEmpty();

            int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
            HttpClient http = HttpClient.newHttpClient();
            for (String path : new String[] {"/actuator/health/liveness", "/actuator/health/readiness", "/readyz"}) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(path).isEqualTo(200);
            }
        }
    }

    @Test
    void writesThePortItListensOnToThePortFile(@TempDir Path dir) throws Exception {
        Path portFile = dir.resolve("app.port");
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(Application.class)
                .properties("server.port=0", "server.address=127.0.0.1", "role-probe.enabled=false",
                        "sample.port-file=" + portFile).run()) {
            int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
            assertThat(port).isPositive();
            assertThat(Files.readString(portFile)).isEqualTo(Integer.toString(port));
        }
    }

    @Test
    void exposesRoleProbeMetersInPrometheusFormatTaggedWithTheApplicationName() throws Exception {
        try (EksPodSimulator pod = EksPodSimulator.builder().podIdentity("arn:aws:iam::111122223333:role/orders").start()) {
            pod.applySystemProperties();
            try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(Application.class)
                    .properties("server.port=0", "server.address=127.0.0.1",
                            "role-probe.role-arns=arn:aws:iam::111122223333:role/orders",
                            "role-probe.backoff.initial=50ms", "role-probe.backoff.max=300ms").run()) {
                int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
                HttpClient http = HttpClient.newHttpClient();
                Instant deadline = Instant.now().plusSeconds(30);
                String verified = "role_probe_state{application=\"role-probe-sample\",role=\"orders\",state=\"verified\"} 1";
                // The verifier publishes its state before it tells its listeners (the attempt timer, time to verified):
                // wait until the scrape shows all of them.
                List<String> expected = List.of("# TYPE role_probe_state gauge", verified,
                        "role_probe_sts_calls_total{application=\"role-probe-sample\",result=\"success\",role=\"orders\"} 1",
                        "role_probe_attempts_seconds_count{",
                        "role_probe_time_to_verified_seconds_count{application=\"role-probe-sample\",role=\"orders\"} 1",
                        "role_probe_node_role_detections_total{application=\"role-probe-sample\",role=\"orders\"} 0");
                HttpResponse<String> scrape;
                do {
                    Thread.sleep(100);
                    scrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(scrape.statusCode()).isEqualTo(200);
                } while (!containsAll(scrape.body(), expected) && Instant.now().isBefore(deadline));
                assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
                assertThat(scrape.body()).contains(expected);
                for (String secret : pod.issuedSecrets()) {
                    assertThat(scrape.body()).doesNotContain(secret);
                }
            }
        }
    }

    @Test
    void warmUpMakesAnEagerCredentialsProviderThatTheStsClientShares() {
        // System properties come first in the SDK chain: the warm-up resolves without any network call.
        System.setProperty("aws.accessKeyId", "AKIAIOSFODNN7EXAMPLE");
        System.setProperty("aws.secretAccessKey", "not-a-secret-just-a-test-value-000000000");
        System.setProperty("aws.region", "us-east-1");
        try {
            new ApplicationContextRunner().withUserConfiguration(AwsClients.class)
                    .withPropertyValues("sample.warm-up-credentials=true")
                    .run(ctx -> {
                        AwsCredentialsProvider provider = ctx.getBean(AwsCredentialsProvider.class);
                        assertThat(CredentialSource.fromProviderName(provider.resolveCredentials().providerName()))
                                .isEqualTo(CredentialSource.SYSTEM_PROPERTIES);
                        assertThat(ctx.getBean(StsClient.class)).isNotNull();
                    });
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
            System.clearProperty("aws.region");
        }
    }

    private static boolean containsAll(String text, List<String> parts) {
        return parts.stream().allMatch(text::contains);
    }
}
