package io.github.roleprobe.sample.spring3;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.github.roleprobe.testkit.EksPodSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The sample in a simulated EKS pod (Pod Identity consistent from the start): its only credentials provider is Spring
 * Cloud AWS's {@code credentialsProvider}, which role-probe verifies; {@code /whoami} goes through Spring Cloud AWS's
 * SQS client and SQS sees the pod's role; role-probe's meters are in the Prometheus scrape. The end-to-end scenarios
 * are {@code samples/demo.sh spring3}; the same jar processed ahead of time is {@link AotJarIT}.
 */
class SampleAppTest {

    private static final String ROLE = "arn:aws:iam::111122223333:role/orders";

    @Test
    void verifiesSpringCloudAwsCredentialsProviderAndAnswersThroughItsSqsClient() throws Exception {
        try (EksPodSimulator pod = EksPodSimulator.builder().podIdentity(ROLE).sqsQueue("orders").start()) {
            pod.applySystemProperties();
            try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(Application.class)
                    .properties("server.port=0", "server.address=127.0.0.1", "role-probe.role-arns=" + ROLE,
                            "role-probe.backoff.initial=50ms", "role-probe.backoff.max=300ms").run()) {
                assertThat(ctx.getBeansOfType(AwsCredentialsProvider.class)).containsOnlyKeys("credentialsProvider");
                assertThat(ctx.getBean("credentialsProvider")).isInstanceOf(DefaultCredentialsProvider.class);
                assertThat(ctx.getBeanNamesForType(SqsAsyncClient.class)).hasSize(1);
                String base = "http://127.0.0.1:" + ((WebServerApplicationContext) ctx).getWebServer().getPort();

                assertThat(await(base + "/actuator/health/readiness", 200).statusCode()).isEqualTo(200);
                HttpResponse<String> roleProbe = get(base + "/actuator/health/roleProbe");
                assertThat((String) JsonPath.read(roleProbe.body(), "$.details.state")).isEqualTo("VERIFIED");
                assertThat((String) JsonPath.read(roleProbe.body(), "$.details.callerArn"))
                        .isEqualTo(pod.podIdentityCallerArn());

                HttpResponse<String> whoami = get(base + "/whoami");
                assertThat(whoami.statusCode()).as(whoami.body()).isEqualTo(200);
                String session = pod.podIdentityCallerArn().substring(pod.podIdentityCallerArn().lastIndexOf('/') + 1);
                assertThat((String) JsonPath.read(whoami.body(), "$.senderId")).endsWith(":" + session);
                assertThat(pod.counters().sqsRequestsBy(EksPodSimulator.assumedRoleArn(ROLE))).isPositive();
                HttpResponse<String> after = get(base + "/actuator/health/roleProbe");
                assertThat((String) JsonPath.read(after.body(), "$.details.clients[0].service")).isEqualTo("sqs");
                assertThat((String) JsonPath.read(after.body(), "$.details.clients[0].identity")).isEqualTo("expected");

                String scrape = get(base + "/actuator/prometheus").body();
                assertThat(scrape).contains("role_probe_state{application=\"role-probe-sample-spring3\",role=\"orders\","
                        + "state=\"verified\"} 1");
                for (String secret : pod.issuedSecrets()) {
                    assertThat(scrape + roleProbe.body() + whoami.body()).doesNotContain(secret);
                }
            }
        }
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls {@code url} until it answers {@code status}, at most 30 s. */
    static HttpResponse<String> await(String url, int status) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        HttpResponse<String> response = get(url);
        while (response.statusCode() != status && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            response = get(url);
        }
        return response;
    }
}
