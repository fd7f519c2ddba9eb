package io.github.roleprobe.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.inject.BeanDefinition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The starter with the real Micronaut AWS ({@code micronaut-aws-sdk-v2}) in the application: its
 * {@code awsCredentialsProvider} bean (an {@link AwsCredentialsProviderChain} of its
 * {@code EnvironmentAwsCredentialsProvider} and the SDK's {@code DefaultCredentialsProvider.create()}, built by its
 * {@code CredentialsAndRegionFactory}) and the {@link SqsClient} its {@code SqsClientFactory} builds with that chain.
 *
 * <p>{@code DefaultCredentialsProvider.create()} is one chain for the whole JVM: the provider it settled on and the
 * credentials it cached outlive any application context, as they do in a pod. So every subclass runs in a JVM of its
 * own (the {@code micronaut-aws} surefire execution, which also puts Micronaut AWS on the class path and sets
 * {@value #EXECUTION_PROPERTY}), and holds one scenario. Elsewhere (the default execution, where a {@code -Dtest=...}
 * may select them) they are skipped.
 */
abstract class MicronautAwsTest extends SimulatedPodTest {

    /** Set by the {@code micronaut-aws} surefire execution. */
    static final String EXECUTION_PROPERTY = "role-probe.test.micronaut-aws";
    /** Micronaut AWS's factory of its credentials and region beans. */
    static final String CREDENTIALS_FACTORY = "io.micronaut.aws.sdk.v2.CredentialsAndRegionFactory";
    static final String QUEUE = "orders";

    @BeforeAll
    static void onlyInTheMicronautAwsExecution() throws ClassNotFoundException {
        assumeThat(Boolean.getBoolean(EXECUTION_PROPERTY))
                .as("runs in the micronaut-aws surefire execution, one JVM per class").isTrue();
        Class.forName(CREDENTIALS_FACTORY); // fails, not skips, when that execution lacks Micronaut AWS
    }

    /**
     * Asserts that the application's only {@link AwsCredentialsProvider} bean is Micronaut AWS's chain.
     *
     * @param context the running application's context
     * @return that chain
     */
    static AwsCredentialsProvider micronautAwsChain(ApplicationContext context) {
        BeanDefinition<AwsCredentialsProvider> definition = context.getBeanDefinition(AwsCredentialsProvider.class);
        assertThat(definition.getBeanType()).isEqualTo(AwsCredentialsProviderChain.class);
        assertThat(definition.getDeclaringType()).map(Class::getName).contains(CREDENTIALS_FACTORY);
        return context.getBean(AwsCredentialsProvider.class);
    }

    /** @return the application's {@link SqsClient} bean, from Micronaut AWS's {@code SqsClientFactory} */
    static SqsClient micronautAwsSqs(ApplicationContext context) {
        assertThat(context.getBeanDefinition(SqsClient.class).getDeclaringType()).map(Class::getName)
                .contains("io.micronaut.aws.sdk.v2.service.sqs.SqsClientFactory");
        return context.getBean(SqsClient.class);
    }

    /** Sends one message to the simulator's queue with {@code sqs}. */
    void send(SqsClient sqs, String body) {
        sqs.sendMessage(r -> r.queueUrl(simulator.sqsQueueUrl(QUEUE)).messageBody(body));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> clientsOf(HealthResponse response) {
        Object clients = response.roleProbe().get("clients");
        return clients instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
    }
}
