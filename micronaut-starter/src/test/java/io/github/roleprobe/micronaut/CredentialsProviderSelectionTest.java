package io.github.roleprobe.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.testkit.SimulatedCredentials;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Primary;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Which of several {@code AwsCredentialsProvider} beans role-probe verifies (without Micronaut AWS on the class path;
 * {@code MicronautAwsSeveralProvidersTest} has the same with Micronaut AWS's real chain): the {@code @Primary} one, else
 * the only {@code AwsCredentialsProviderChain}, else the SDK default chain with a warning naming the beans. Each
 * provider here gives credentials of a role of its own, so the caller ARN tells which one was verified.
 */
class CredentialsProviderSelectionTest extends SimulatedPodTest {

    private static final String REPORTS = "arn:aws:iam::111122223333:role/reports-reader";
    private static final String NO_CHOICE = "none is @Primary and not exactly one is an AwsCredentialsProviderChain;"
            + " it verifies the SDK default credential provider chain instead";

    @Test
    void thePrimaryProviderAmongSeveralIsVerified() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        SimulatedCredentials orders = simulator.issueCredentials(ROLE, "orders-app");
        start(Map.of("role-probe.role-arns", ROLE), IN_KUBERNETES, provider(REPORTS, "reports-session"),
                new PrimaryCredentials(staticProvider(orders)));

        HealthResponse ready = app.awaitReadiness(r -> r.status() == 200);

        assertThat(ready.roleProbe()).containsEntry("callerArn", orders.callerArn())
                .containsEntry("credentialSource", "STATIC");
        assertThat(simulator.counters().agentRequests()).as("no chain of its own").isZero();
        assertThat(logs().count("role-probe found several AwsCredentialsProvider beans")).isZero();
    }

    @Test
    void withoutAPrimaryTheOnlyCredentialsProviderChainIsVerifiedAndThatIsLogged() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        SimulatedCredentials orders = simulator.issueCredentials(ROLE, "orders-app");
        AwsCredentialsProviderChain chain = AwsCredentialsProviderChain.of(staticProvider(orders));
        start(Map.of("role-probe.role-arns", ROLE), IN_KUBERNETES, provider(REPORTS, "reports-session"), chain);

        HealthResponse ready = app.awaitReadiness(r -> r.status() == 200);

        assertThat(ready.roleProbe()).containsEntry("callerArn", orders.callerArn())
                .containsEntry("credentialSource", "STATIC");
        assertThat(simulator.counters().agentRequests()).as("no chain of its own").isZero();
        assertThat(logs().count("role-probe found several AwsCredentialsProvider beans (AwsCredentialsProviderChain,"
                + " StaticCredentialsProvider) and none is @Primary; it verifies the only AwsCredentialsProviderChain"
                + " bean")).isEqualTo(1);
    }

    @Test
    void whenNoRuleDecidesTheSdkDefaultChainIsVerifiedAndTheWarningNamesTheBeans() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        start(Map.of("role-probe.role-arns", ROLE), IN_KUBERNETES, provider(REPORTS, "reports-session"),
                provider("arn:aws:iam::111122223333:role/billing", "billing-session"));

        HealthResponse ready = app.awaitReadiness(r -> r.status() == 200);

        assertThat(ready.roleProbe()).containsEntry("callerArn", simulator.podIdentityCallerArn())
                .containsEntry("credentialSource", "CONTAINER");
        assertThat(logs().count("role-probe found several AwsCredentialsProvider beans (StaticCredentialsProvider,"
                + " StaticCredentialsProvider), " + NO_CHOICE + ". Mark the provider your clients use @Primary."))
                .isEqualTo(1);
    }

    private StaticCredentialsProvider provider(String roleArn, String session) {
        return staticProvider(simulator.issueCredentials(roleArn, session));
    }

    private static StaticCredentialsProvider staticProvider(SimulatedCredentials credentials) {
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(credentials.accessKeyId(),
                credentials.secretAccessKey(), credentials.sessionToken()));
    }

    /** The provider that {@link PrimaryProviderFactory} makes the {@code @Primary} bean. */
    record PrimaryCredentials(AwsCredentialsProvider provider) {
    }

    /** Makes a {@link PrimaryCredentials} singleton, when a test registers one, the {@code @Primary} provider bean. */
    @Factory
    @Requires(beans = PrimaryCredentials.class)
    static class PrimaryProviderFactory {

        @Singleton
        @Primary
        AwsCredentialsProvider primaryProvider(PrimaryCredentials credentials) {
            return credentials.provider();
        }
    }
}
