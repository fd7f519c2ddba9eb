package io.github.roleprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * What the SDK's container provider and default chain make of each agent failure (quoted in
 * testkit/README.md): 404 is reported with the URL and not retried, 403 is not retried, 5xx is retried
 * five times (six requests, no backoff) and reported with the HTTP reason phrase (the agent's body is
 * only read for a lowercase {@code message} field, which neither the JSON nor the HTML page has).
 */
class AgentFailureModesTest {

    static final String ROLE = "arn:aws:iam::111122223333:role/orders";

    private static EksPodSimulator outage(AgentFailure failure, ImdsMode imds) {
        EksPodSimulator sim = EksPodSimulator.builder().podIdentity(ROLE).agentOutage(failure).imds(imds).start();
        sim.applySystemProperties();
        return sim;
    }

    @Test
    void notFoundIsReportedWithTheAgentUrlAndNotRetried() throws Exception {
        try (EksPodSimulator sim = outage(AgentFailure.NOT_FOUND_404, ImdsMode.NODE_ROLE);
             ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
            assertThatThrownBy(provider::resolveCredentials).isExactlyInstanceOf(SdkClientException.class)
                    .hasMessage("The requested metadata is not found at " + sim.podIdentityAgentUri())
                    .hasNoCause();
            assertThat(sim.counters().agentRequests()).isEqualTo(1);

            HttpResponse<String> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(sim.podIdentityAgentUri())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(raw.statusCode()).isEqualTo(404);
            assertThat(raw.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(raw.body()).startsWith("{\"Code\":\"NotFound\",\"Message\":\"");
        }
    }

    @Test
    void badGatewayHtmlIsRetriedFiveTimesThenReportedWithTheReasonPhrase() throws Exception {
        try (EksPodSimulator sim = outage(AgentFailure.BAD_GATEWAY_502_HTML, ImdsMode.NODE_ROLE);
             ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
            assertThatThrownBy(provider::resolveCredentials).isExactlyInstanceOf(SdkClientException.class)
                    .hasMessage("Failed to load credentials from metadata service.")
                    .cause().isExactlyInstanceOf(SdkServiceException.class).hasMessage("Bad Gateway")
                    .satisfies(c -> assertThat(((SdkServiceException) c).statusCode()).isEqualTo(502));
            assertThat(sim.counters().agentRequests()).isEqualTo(6);

            HttpResponse<String> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(sim.podIdentityAgentUri())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(raw.statusCode()).isEqualTo(502);
            assertThat(raw.headers().firstValue("Content-Type")).hasValue("text/html");
            assertThat(raw.body()).startsWith("<html>").contains("<title>502 Bad Gateway</title>");
        }
    }

    @Test
    void forbiddenAndServerErrorsCarryOnlyTheReasonPhrase() {
        try (EksPodSimulator sim = outage(AgentFailure.FORBIDDEN_403, ImdsMode.NODE_ROLE);
             ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
            assertThatThrownBy(provider::resolveCredentials).hasMessage("Failed to load credentials from metadata service.")
                    .cause().isExactlyInstanceOf(SdkServiceException.class).hasMessage("Forbidden");
            assertThat(sim.counters().agentRequests()).isEqualTo(1);

            sim.counters().reset();
            sim.setAgentOutage(AgentFailure.SERVER_ERROR_500);
            assertThatThrownBy(provider::resolveCredentials).hasMessage("Failed to load credentials from metadata service.")
                    .cause().hasMessage("Internal Server Error");
            assertThat(sim.counters().agentRequests()).isEqualTo(6);
        }
    }

    @Test
    void theOutageCanBeEndedWhileRunning() {
        try (EksPodSimulator sim = outage(AgentFailure.BAD_GATEWAY_502_HTML, ImdsMode.NODE_ROLE)) {
            assertThat(sim.agentOutage()).isEqualTo(AgentFailure.BAD_GATEWAY_502_HTML);
            try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
                assertThatThrownBy(provider::resolveCredentials).isInstanceOf(SdkClientException.class);
            }
            sim.setAgentOutage(null);
            assertThat(sim.agentOutage()).isNull();
            try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build();
                 StsClient sts = Sdk.sts(sim, provider)) {
                assertThat(sts.getCallerIdentity().arn()).isEqualTo(sim.podIdentityCallerArn());
            }
        }
    }

    @Test
    void anOutageOverridesAnEffectiveAssociationAndEndsBackInTheConfiguredBehaviour() {
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity(ROLE).start()) {
            sim.applySystemProperties();
            sim.setAgentOutage(AgentFailure.NOT_FOUND_404);
            try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
                assertThatThrownBy(provider::resolveCredentials).hasMessageStartingWith("The requested metadata is not found at ");
            }
            sim.setAgentOutage(null);
            try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
                assertThat(provider.resolveCredentials().accessKeyId()).startsWith("ASIA");
            }
        }
    }

    @Test
    void theDefaultChainFallsThroughEveryAgentFailureToTheNodeRole() {
        for (AgentFailure failure : new AgentFailure[] {AgentFailure.NOT_FOUND_404, AgentFailure.BAD_GATEWAY_502_HTML,
                AgentFailure.FORBIDDEN_403}) {
            try (EksPodSimulator sim = outage(failure, ImdsMode.NODE_ROLE);
                 DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
                 StsClient sts = Sdk.sts(sim, chain)) {
                assertThat(sts.getCallerIdentity().arn()).as("%s", failure).isEqualTo(sim.nodeRoleCallerArn());
                assertThat(sim.counters().agentRequests()).as("%s", failure).isPositive();
            }
        }
    }

    @Test
    void withoutImdsTheDefaultChainFailsListingTheContainerProvidersMessage() {
        try (EksPodSimulator sim = outage(AgentFailure.NOT_FOUND_404, ImdsMode.ABSENT);
             DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build()) {
            assertThatThrownBy(chain::resolveCredentials).isExactlyInstanceOf(SdkClientException.class)
                    .hasMessageStartingWith("Unable to load credentials from any of the providers in the chain "
                            + "AwsCredentialsProviderChain(credentialsProviders=[SystemPropertyCredentialsProvider(), ")
                    .hasMessageContaining(", ContainerCredentialsProvider(): The requested metadata is not found at "
                            + sim.podIdentityAgentUri() + ", InstanceProfileCredentialsProvider(): Failed to load credentials from IMDS.]");
        }
        try (EksPodSimulator sim = outage(AgentFailure.BAD_GATEWAY_502_HTML, ImdsMode.ABSENT);
             DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build()) {
            assertThatThrownBy(chain::resolveCredentials)
                    .hasMessageContaining(", ContainerCredentialsProvider(): Failed to load credentials from metadata service., ");
            assertThat(sim.counters().agentRequests()).isEqualTo(6);
        }
    }
}
