package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.awspring.cloud.sqs.operations.SqsTemplate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * {@link SimulatedPodSpringBootTest} with Spring Cloud AWS ({@link SpringCloudAwsTestApplication}): role-probe must
 * verify Spring Cloud AWS's {@code credentialsProvider} bean, not a chain of its own, and its request guard must see
 * what Spring Cloud AWS's SQS client signs. Each subclass runs in a JVM of its own (the surefire execution
 * {@code spring-cloud-aws}): Spring Cloud AWS's default provider is the SDK's JVM-wide
 * {@code DefaultCredentialsProvider.create()}, which keeps the provider that answered first for the life of the JVM.
 */
@SpringBootTest(classes = SpringCloudAwsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
abstract class SpringCloudAwsSpringBootTest extends SimulatedPodSpringBootTest {

    /** The queue the application sends to with Spring Cloud AWS's {@link SqsTemplate}. */
    static final String QUEUE = "orders";

    @Autowired
    Map<String, AwsCredentialsProvider> credentialsProviders;

    @Autowired
    SqsTemplate sqs;

    /** Spring Cloud AWS's {@code credentialsProvider} bean. */
    AwsCredentialsProvider springCloudAwsProvider;

    @BeforeEach
    void findSpringCloudAwsProvider() {
        assertThat(credentialsProviders).as("the application's AwsCredentialsProvider beans: Spring Cloud AWS's only")
                .containsOnlyKeys(RoleProbeAutoConfiguration.SPRING_CLOUD_AWS_PROVIDER);
        springCloudAwsProvider = credentialsProviders.get(RoleProbeAutoConfiguration.SPRING_CLOUD_AWS_PROVIDER);
    }

    /** Sends one message with the application's {@link SqsTemplate} (Spring Cloud AWS's {@code SqsAsyncClient}). */
    void send(String payload) {
        sqs.send(QUEUE, payload);
    }

    /**
     * Asserts that the credentials role-probe confirmed are the ones Spring Cloud AWS's provider holds: resolving that
     * provider again gives the access key the details show (masked) without asking the credential source again, which
     * only a provider that was resolved before can do. A chain of role-probe's own would have left this one
     * unresolved, and its first resolution would ask the source.
     *
     * @param details role-probe's health details
     * @param sourceRequests a counter of the requests to the credential source (the agent; STS for IRSA)
     */
    void assertRoleProbeResolvedTheSpringCloudAwsProvider(Map<String, Object> details,
                                                          java.util.function.LongSupplier sourceRequests) {
        long before = sourceRequests.getAsLong();
        AwsCredentials again = springCloudAwsProvider.resolveCredentials();
        assertThat(sourceRequests.getAsLong()).as("Spring Cloud AWS's provider answered from its cache")
                .isEqualTo(before);
        String masked = (String) details.get("accessKeyId");
        assertThat(masked).as("the access key role-probe saw")
                .startsWith(again.accessKeyId().substring(0, 4))
                .endsWith(again.accessKeyId().substring(again.accessKeyId().length() - 4));
    }

    /** @return the clients the request guard saw for {@code service} */
    static List<Map<String, Object>> clients(HealthResponse response, String service) {
        return response.clients().stream().filter(c -> service.equals(c.get("service"))).toList();
    }
}
