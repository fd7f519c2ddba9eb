package io.github.roleprobe.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.testkit.SimulatedCredentials;
import io.github.roleprobe.verify.AppClients;
import io.github.roleprobe.verify.Poller;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.scheme.BearerAuthScheme;
import software.amazon.awssdk.http.auth.signer.BearerHttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthScheme;
import software.amazon.awssdk.http.auth.spi.scheme.AuthSchemeOption;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;
import software.amazon.awssdk.identity.spi.ResolveIdentityRequest;
import software.amazon.awssdk.identity.spi.TokenIdentity;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * What the application's own AWS SDK clients sign decides readiness, over HTTP: role-probe's request guard (core's
 * {@code RequestGuard}) sees every request of every SDK client in the JVM. The application here has no
 * {@code AwsCredentialsProvider} bean (the zero-config case), so role-probe verifies a fresh SDK default chain per
 * attempt, while the application's client keeps the chain it built at its first call.
 */
class ApplicationClientsTest extends SimulatedPodTest {

    private final AppClients clients = new AppClients();

    @AfterEach
    void closeClients() {
        clients.close();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> clientsOf(HealthResponse response) {
        Object clients = response.roleProbe().get("clients");
        return clients instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
    }

    private String callerOf(StsClient client) {
        String arn = client.getCallerIdentity().arn();
        scan(arn);
        return arn;
    }

    @Test
    void theApplicationsClientStuckOnTheNodeRoleHoldsReadinessDownAfterRoleProbesOwnChainGotThePodRole() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).associationConsistentAfter(Duration.ofHours(1)));
        start(Map.of("role-probe.role-arns", ROLE, "role-probe.liveness-grace", "2s"), IN_KUBERNETES);
        assertThat(app.context().getBeansOfType(AwsCredentialsProvider.class)).as("zero config").isEmpty();
        List<HealthResponse> readiness;
        try (Poller<HealthResponse> poller = Poller.start("readiness", app::readiness)) {
            StsClient stuck = clients.withDefaultChain();

            // Its first call happens while the Pod Identity agent still refuses: its chain falls through to IMDS.
            assertThat(callerOf(stuck)).isEqualTo(simulator.nodeRoleCallerArn());

            HealthResponse flagged = app.readiness();
            assertThat(flagged.status()).isEqualTo(503);
            assertThat(flagged.roleProbe())
                    .containsEntry("state", "WRONG_IDENTITY")
                    .containsEntry("wrongIdentity", "NODE_ROLE")
                    .containsEntry("credentialSource", "INSTANCE_PROFILE")
                    .containsEntry("guard", "observe");
            assertThat((String) flagged.roleProbe().get("reason"))
                    .startsWith("The application's sts client (GetCallerIdentity) signed a request as the node role")
                    .contains("credentials from INSTANCE_PROFILE", "not " + ROLE);
            assertThat(clientsOf(flagged)).singleElement().satisfies(c -> {
                assertThat(c).containsEntry("service", "sts")
                        .containsEntry("identity", "node_role")
                        .containsEntry("credentialSource", "INSTANCE_PROFILE")
                        .containsEntry("wrongOperation", "GetCallerIdentity")
                        .containsKeys("wrongSince", "lastSeen");
                assertThat((String) c.get("accessKeyId")).matches("ASIA…\\w{4}");
            });

            simulator.makeAssociationConsistent();
            // role-probe's own fresh chain now gets the pod's role and STS confirms it (lastConfirmed appears) ...
            HealthResponse ownChainVerified = app.awaitReadiness(r -> r.roleProbe().containsKey("lastConfirmed"));
            // ... but the application's client keeps the node role, and readiness stays down naming it.
            assertThat(ownChainVerified.status()).isEqualTo(503);
            assertThat(ownChainVerified.roleProbe()).containsEntry("state", "WRONG_IDENTITY")
                    .containsEntry("wrongIdentity", "NODE_ROLE");
            assertThat(callerOf(stuck)).isEqualTo(simulator.nodeRoleCallerArn());
            assertThat(callerOf(clients.withDefaultChain())).as("a client built now gets the pod's role")
                    .isEqualTo(simulator.podIdentityCallerArn());

            HealthResponse named = app.awaitReadiness(r ->
                    simulator.nodeRoleCallerArn().equals(r.roleProbe().get("callerArn")));
            assertThat((String) named.roleProbe().get("reason")).contains("The application's sts client",
                    "the node role " + simulator.nodeRoleCallerArn()).doesNotContain("more client");
            assertThat(clientsOf(named)).hasSize(2).first().satisfies(c -> assertThat(c)
                    .containsEntry("identity", "node_role")
                    .containsEntry("callerArn", simulator.nodeRoleCallerArn()));
            assertThat(clientsOf(named).get(1)).containsEntry("identity", "expected")
                    .containsEntry("credentialSource", "CONTAINER");
            Instant wrongSince = Instant.parse((String) clientsOf(named).get(0).get("wrongSince"));
            Instant stateSince = Instant.parse((String) named.roleProbe().get("stateSince"));
            assertThat(stateSince).as("WRONG_IDENTITY/NODE_ROLE since role-probe's own attempt or the client")
                    .isBeforeOrEqualTo(wrongSince);
            assertThat(Duration.between(stateSince, Instant.parse((String) named.roleProbe().get("livenessDeadline"))))
                    .as("liveness deadline: role-probe.liveness-grace after the state began")
                    .isEqualTo(Duration.ofSeconds(2));

            HealthResponse live = app.awaitLiveness(r -> r.status() == 503);
            assertThat(live.healthStatus()).isEqualTo("DOWN");
            assertThat(live.roleProbeLiveness()).containsEntry("state", "WRONG_IDENTITY");
            readiness = poller.stop();
        }
        assertThat(readiness).as("every readiness answer, from start to liveness DOWN").isNotEmpty()
                .allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(503));
        assertThat(readiness).as("polled while role-probe's own chain was verified too")
                .anySatisfy(r -> assertThat(r.roleProbe()).containsKey("lastConfirmed"));
        assertThat(app.readiness().status()).isEqualTo(503);
    }

    @Test
    void aClientWhoseFirstCallComesAfterTheAssociationIsConsistentIsShownAsExpectedAndReadinessIsUp() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).associationConsistentAfter(Duration.ofHours(1)));
        start(Map.of("role-probe.role-arns", ROLE, "role-probe.liveness-grace", "2s"), IN_KUBERNETES);

        HealthResponse nodeRole = app.awaitReadiness(r -> "WRONG_IDENTITY".equals(r.state()));
        assertThat(nodeRole.roleProbe()).as("role-probe's own STS calls are never guarded")
                .doesNotContainKey("clients");
        simulator.makeAssociationConsistent();
        HealthResponse ready = app.awaitReadiness(r -> r.status() == 200);
        assertThat(ready.roleProbe()).doesNotContainKey("clients");
        long verifierCalls = ((Number) ready.roleProbe().get("stsCalls")).longValue();

        assertThat(callerOf(clients.withDefaultChain())).isEqualTo(simulator.podIdentityCallerArn());

        HealthResponse after = app.readiness();
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.roleProbe()).containsEntry("state", "VERIFIED").containsEntry("guard", "observe");
        assertThat(clientsOf(after)).singleElement().satisfies(c -> {
            assertThat(c).containsEntry("service", "sts")
                    .containsEntry("identity", "expected")
                    .containsEntry("credentialSource", "CONTAINER")
                    .containsEntry("callerArn", simulator.podIdentityCallerArn())
                    .doesNotContainKeys("wrongSince", "wrongOperation");
            assertThat((String) c.get("accessKeyId")).matches("ASIA…\\w{4}");
        });
        // The client's key is the one role-probe's own attempt confirmed: the guard needed no STS call.
        assertThat(((Number) after.roleProbe().get("stsCalls")).longValue()).isEqualTo(verifierCalls);
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(verifierCalls + 1);
        assertThat(app.liveness().status()).isEqualTo(200);
    }

    @Test
    void enforceRefusesTheStuckClientsRequestsBeforeTheyAreSent() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).associationConsistentAfter(Duration.ofHours(1)));
        start(Map.of("role-probe.role-arns", ROLE, "role-probe.guard.mode", "enforce"), IN_KUBERNETES);
        // role-probe's own attempts identify the node role's key first: from then on they make no STS call.
        app.awaitReadiness(r -> simulator.nodeRoleCallerArn().equals(r.roleProbe().get("callerArn")));
        StsClient stuck = clients.withDefaultChain();
        long calls = simulator.counters().stsGetCallerIdentityCalls();
        long requests = simulator.counters().stsRequests();

        Throwable refused = catchThrowable(stuck::getCallerIdentity);

        assertThat(refused).isInstanceOf(SdkClientException.class);
        scan(refused.getMessage());
        assertThat(refused.getMessage())
                .startsWith("role-probe (role-probe.guard.mode=enforce) refused to send this sts GetCallerIdentity"
                        + " request: it is signed as the node role " + simulator.nodeRoleCallerArn())
                .contains("credentials from INSTANCE_PROFILE", "not " + ROLE, "AWS_EC2_METADATA_DISABLED=true",
                        "liveness restarts the container");
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).as("never sent").isEqualTo(calls);
        assertThat(simulator.counters().stsRequests()).isEqualTo(requests);
        HealthResponse flagged = app.readiness();
        assertThat(flagged.status()).isEqualTo(503);
        assertThat(flagged.roleProbe()).containsEntry("guard", "enforce").containsEntry("state", "WRONG_IDENTITY");
        assertThat(clientsOf(flagged)).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("identity", "node_role").containsEntry("wrongOperation", "GetCallerIdentity"));

        simulator.makeAssociationConsistent();
        app.awaitReadiness(r -> r.roleProbe().containsKey("lastConfirmed"));
        calls = simulator.counters().stsGetCallerIdentityCalls();
        // The client's chain stays on the instance profile: still refused, still not sent.
        Throwable again = catchThrowable(stuck::getCallerIdentity);
        assertThat(again).isInstanceOf(SdkClientException.class).hasMessageContaining("refused to send");
        scan(again.getMessage());
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(calls);
        // A client built now signs with the pod's role, which role-probe confirmed: it goes through.
        assertThat(callerOf(clients.withDefaultChain())).isEqualTo(simulator.podIdentityCallerArn());
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(calls + 1);
        assertThat(app.readiness().status()).as("the stuck client still holds readiness").isEqualTo(503);
    }

    @Test
    void twoApplicationsInOneJvmEachSeeEveryRequest() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        start(Map.of("role-probe.role-arns", ROLE), IN_KUBERNETES);
        RunningApp other = RunningApp.start(properties(Map.of("role-probe.role-arns", ROLE)), IN_KUBERNETES);
        try {
            app.awaitReadiness(r -> r.status() == 200);
            other.awaitReadiness(r -> r.status() == 200);
            InstanceProfileCredentialsProvider nodeRole = InstanceProfileCredentialsProvider.builder().build();
            try {
                assertThat(callerOf(clients.with(nodeRole))).isEqualTo(simulator.nodeRoleCallerArn());
            } finally {
                nodeRole.close();
            }

            for (RunningApp each : List.of(app, other)) {
                HealthResponse flagged = each.readiness();
                assertThat(flagged.status()).isEqualTo(503);
                assertThat(flagged.roleProbe()).containsEntry("wrongIdentity", "NODE_ROLE");
                assertThat(clientsOf(flagged)).singleElement().satisfies(c -> assertThat(c)
                        .containsEntry("service", "sts").containsEntry("identity", "node_role"));
            }
        } finally {
            scanAndClose(other);
        }
    }

    @Test
    void aClientOfAnotherRoleTurnsAVerifiedApplicationNotReadyUnlessItsRoleIsAllowed() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        String reports = "arn:aws:iam::111122223333:role/reports-reader";
        start(Map.of("role-probe.role-arns", ROLE, "role-probe.guard.allowed-role-arns", reports), IN_KUBERNETES);
        app.awaitReadiness(r -> r.status() == 200);

        SimulatedCredentials allowed = simulator.issueCredentials(reports, "reports-session");
        assertThat(callerOf(clients.with(provider(allowed)))).isEqualTo(allowed.callerArn());
        HealthResponse withAllowed = app.awaitReadiness(r -> clientsOf(r).stream()
                .anyMatch(c -> "allowed".equals(c.get("identity"))));
        assertThat(withAllowed.status()).isEqualTo(200);
        assertThat(withAllowed.roleProbe()).containsEntry("state", "VERIFIED")
                .containsEntry("callerArn", simulator.podIdentityCallerArn());

        SimulatedCredentials billing = simulator.issueCredentials("arn:aws:iam::111122223333:role/billing", "app");
        assertThat(callerOf(clients.with(provider(billing)))).isEqualTo(billing.callerArn());
        // Observe mode identifies the new key in the background, with one STS call.
        HealthResponse other = app.awaitReadiness(r -> "WRONG_IDENTITY".equals(r.state()));
        assertThat(other.status()).isEqualTo(503);
        assertThat(other.roleProbe()).containsEntry("wrongIdentity", "OTHER")
                .containsEntry("callerArn", billing.callerArn())
                .containsEntry("credentialSource", "STATIC");
        assertThat((String) other.roleProbe().get("remedy")).contains("role-probe.guard.allowed-role-arns");
    }

    @Test
    void requestsWithoutAnAccessKeyAndPresignedUrlsAreNeitherRefusedNorShownEvenInEnforceMode() throws Exception {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        start(Map.of("role-probe.role-arns", ROLE, "role-probe.guard.mode", "enforce"), IN_KUBERNETES);
        app.awaitReadiness(r -> r.status() == 200);
        long requests = simulator.counters().stsRequests();

        // Anonymous: sent unsigned, and STS rejects it; the guard neither refuses nor shows it.
        Throwable anonymous = catchThrowable(clients.with(AnonymousCredentialsProvider.create())::getCallerIdentity);
        assertThat(anonymous).isInstanceOf(SdkException.class);
        scan(anonymous.getMessage());
        assertThat(anonymous.getMessage()).doesNotContain("role-probe");
        assertThat(simulator.counters().stsRequests()).as("sent").isEqualTo(requests + 1);

        // A bearer token instead of AWS credentials: sent too (STS rejects it).
        StsClient bearer = clients.track(StsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                .putAuthScheme(new StaticBearerToken("a-test-token"))
                .authSchemeProvider(params -> List.of(AuthSchemeOption.builder()
                        .schemeId(BearerAuthScheme.SCHEME_ID).build())));
        Throwable bearerRejected = catchThrowable(bearer::getCallerIdentity);
        assertThat(bearerRejected).isInstanceOf(SdkException.class);
        scan(bearerRejected.getMessage());
        assertThat(bearerRejected.getMessage()).doesNotContain("role-probe");
        assertThat(simulator.counters().stsRequests()).as("sent").isEqualTo(requests + 2);

        // A URL presigned with the node role's credentials: presigning sends nothing, and whoever uses the URL sends
        // no SDK request, so no guard sees it.
        try (InstanceProfileCredentialsProvider nodeRole = InstanceProfileCredentialsProvider.builder().build()) {
            AwsCredentials node = nodeRole.resolveCredentials();
            SignedRequest presigned = AwsV4HttpSigner.create().sign(r -> r.identity(node)
                    .request(SdkHttpRequest.builder().method(SdkHttpMethod.GET)
                            .uri(simulator.stsEndpoint().resolve("/?Action=GetCallerIdentity&Version=2011-06-15"))
                            .build())
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sts")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, simulator.region())
                    .putProperty(AwsV4HttpSigner.AUTH_LOCATION, AwsV4HttpSigner.AuthLocation.QUERY_STRING)
                    .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, Duration.ofMinutes(5)));
            assertThat(presigned.request().rawQueryParameters()).containsKey("X-Amz-Signature");
            java.net.http.HttpResponse<String> used = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(presigned.request().getUri()).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            scan(used.body());
            assertThat(simulator.counters().stsRequests()).as("the presigned URL reached STS")
                    .isEqualTo(requests + 3);
        }

        HealthResponse after = app.readiness();
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.roleProbe()).containsEntry("state", "VERIFIED").doesNotContainKey("clients");
    }

    /** Signs with a fixed bearer token: a client whose identity is a token, not AWS credentials. */
    private record StaticBearerToken(String token) implements AuthScheme<TokenIdentity> {
        @Override
        public String schemeId() {
            return BearerAuthScheme.SCHEME_ID;
        }

        @Override
        public IdentityProvider<TokenIdentity> identityProvider(IdentityProviders providers) {
            return new IdentityProvider<>() {
                @Override
                public Class<TokenIdentity> identityType() {
                    return TokenIdentity.class;
                }

                @Override
                public CompletableFuture<TokenIdentity> resolveIdentity(ResolveIdentityRequest request) {
                    return CompletableFuture.completedFuture(TokenIdentity.create(token));
                }
            };
        }

        @Override
        public HttpSigner<TokenIdentity> signer() {
            return BearerHttpSigner.create();
        }
    }

    private static AwsCredentialsProvider provider(SimulatedCredentials credentials) {
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(credentials.accessKeyId(),
                credentials.secretAccessKey(), credentials.sessionToken()));
    }
}
