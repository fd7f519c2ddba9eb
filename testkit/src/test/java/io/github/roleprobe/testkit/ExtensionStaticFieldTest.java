package io.github.roleprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExtensionStaticFieldTest {

    @RegisterExtension
    static EksPodSimulatorExtension pod = EksPodSimulatorExtension.of(
            EksPodSimulator.builder().podIdentity("arn:aws:iam::111122223333:role/orders"));

    private static EksPodSimulator first;

    @Test
    @Order(1)
    void aStaticExtensionStartsOneSimulatorAndAppliesItsProperties() {
        first = pod.simulator();
        assertThat(System.getProperty("aws.containerCredentialsFullUri")).isEqualTo(first.podIdentityAgentUri().toString());
        try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
            assertThat(provider.resolveCredentials().accessKeyId()).startsWith("ASIA");
        }
    }

    @Test
    @Order(2)
    void theSameSimulatorServesTheNextTestOfTheClass() {
        assertThat(pod.simulator()).isSameAs(first);
        assertThat(pod.simulator().isClosed()).isFalse();
        assertThat(pod.simulator().counters().agentRequests()).isEqualTo(1);
    }
}
