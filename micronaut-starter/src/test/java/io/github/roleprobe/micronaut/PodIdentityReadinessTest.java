package io.github.roleprobe.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.IdentityVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Readiness and liveness over HTTP while the real SDK chain talks to a simulated EKS pod on loopback. */
class PodIdentityReadinessTest extends SimulatedPodTest {

    @Test
    void readinessIsUpWithOneStsCallWhenPodIdentityWorksFromTheStart() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        start(Map.of("role-probe.role-arns", ROLE), IN_KUBERNETES);

        HealthResponse ready = app.awaitReadiness(r -> r.status() == 200);

        assertThat(ready.healthStatus()).isEqualTo("UP");
        assertThat(ready.state()).isEqualTo("VERIFIED");
        assertThat(ready.roleProbe())
                .containsEntry("callerArn", simulator.podIdentityCallerArn())
                .containsEntry("credentialSource", "CONTAINER")
                .containsEntry("injection", "POD_IDENTITY")
                .containsEntry("expectedRoles", List.of(ROLE))
                .containsEntry("stsCalls", 1)
                .containsKeys("reason", "remedy", "lastCheck", "lastConfirmed", "attempts", "accessKeyId");
        assertThat((String) ready.roleProbe().get("accessKeyId")).contains("…");
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
        assertThat(simulator.issuedSecrets()).isNotEmpty();

        HealthResponse live = app.liveness();
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.roleProbeLiveness()).containsEntry("state", "VERIFIED");
        assertThat(live.indicator(RoleProbeReadinessIndicator.NAME)).as("readiness indicator not in liveness").isEmpty();
        assertThat(ready.indicator(RoleProbeLivenessIndicator.NAME)).as("liveness indicator not in readiness").isEmpty();
    }

    @Test
    void readinessWaitsOnNodeRoleCredentialsUntilTheAssociationIsConsistent() {
        // The association becomes effective only when the test says so (after the node role was seen), so the
        // scenario does not depend on how fast the application starts.
        simulate(EksPodSimulator.builder().podIdentity(ROLE).associationConsistentAfter(Duration.ofHours(1)));
        start(Map.of("role-probe.role-arns", ROLE), IN_KUBERNETES);
        List<HealthResponse> observed = new ArrayList<>();

        app.awaitOn("/health/readiness", r -> "WRONG_IDENTITY".equals(r.state()), observed);
        Instant consistentAt = Instant.now();
        simulator.makeAssociationConsistent();
        HealthResponse ready = app.awaitOn("/health/readiness", r -> r.status() == 200, observed);

        List<HealthResponse> before = observed.subList(0, observed.size() - 1);
        assertThat(before).isNotEmpty().allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.healthStatus()).isEqualTo("DOWN");
            assertThat(r.state()).isIn("PENDING", "WRONG_IDENTITY", "NO_CREDENTIALS");
        });
        assertThat(before).anySatisfy(r -> {
            assertThat(r.state()).isEqualTo("WRONG_IDENTITY");
            assertThat(r.roleProbe())
                    .containsEntry("wrongIdentity", "NODE_ROLE")
                    .containsEntry("callerArn", simulator.nodeRoleCallerArn())
                    .containsEntry("credentialSource", "INSTANCE_PROFILE");
        });
        assertThat(observed)
                .filteredOn(r -> simulator.nodeRoleCallerArn().equals(r.roleProbe().get("callerArn")))
                .as("never ready on node-role credentials")
                .allSatisfy(r -> {
                    assertThat(r.status()).isEqualTo(503);
                    assertThat(r.state()).isNotEqualTo("VERIFIED");
                });
        assertThat(ready.state()).isEqualTo("VERIFIED");
        assertThat(ready.roleProbe())
                .containsEntry("callerArn", simulator.podIdentityCallerArn())
                .containsEntry("credentialSource", "CONTAINER");
        assertThat(Duration.between(consistentAt, Instant.now())).as("backoff.max 500ms bounds the wait")
                .isLessThan(Duration.ofSeconds(3));
        assertThat(app.liveness().status()).as("within the liveness grace").isEqualTo(200);
    }

    @Test
    void readinessTurnsUpOnceTheAssociationBecomesConsistentByItself() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).associationConsistentAfter(Duration.ofSeconds(2)));
        start(Map.of("role-probe.role-arns", ROLE), IN_KUBERNETES);
        List<HealthResponse> observed = new ArrayList<>();

        HealthResponse ready = app.awaitOn("/health/readiness", r -> r.status() == 200, observed);

        assertThat(observed).filteredOn(r -> r.status() != 200).allSatisfy(r ->
                assertThat(r.state()).isIn("PENDING", "WRONG_IDENTITY", "NO_CREDENTIALS"));
        assertThat(ready.state()).isEqualTo("VERIFIED");
        assertThat(ready.roleProbe()).containsEntry("callerArn", simulator.podIdentityCallerArn());
    }

    @Test
    void podCreatedWithoutInjectedEnvironmentIsNotReadyButStaysLive() {
        simulate(EksPodSimulator.builder());
        start(Map.of("role-probe.role-arns", ROLE), IN_KUBERNETES);

        HealthResponse ready = app.awaitReadiness(r -> "NOT_INJECTED".equals(r.state()));

        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.healthStatus()).isEqualTo("DOWN");
        assertThat((String) ready.roleProbe().get("remedy")).contains("Recreate the pod");
        HealthResponse live = app.liveness();
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.roleProbeLiveness()).containsEntry("state", "NOT_INJECTED");
        // The chain fell through to the node role: STS is asked about that key once, to be sure it is not expected.
        assertThat((String) ready.roleProbe().get("reason")).contains(simulator.nodeRoleCallerArn());
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
    }

    @Test
    void kubernetesWithoutAnyExpectedRoleIsMisconfigured() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        start(Map.of(), IN_KUBERNETES);

        HealthResponse ready = app.awaitReadiness(r -> "MISCONFIGURED".equals(r.state()));

        assertThat(ready.status()).isEqualTo(503);
        assertThat((String) ready.roleProbe().get("remedy")).contains("role-probe.role-arns");
        assertThat(app.liveness().status()).isEqualTo(200);
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isZero();
    }

    @Test
    void detailsAreHiddenUnlessDetailsVisibleIsAnonymous() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        start(Map.of("role-probe.role-arns", ROLE, "endpoints.health.details-visible", "AUTHENTICATED"),
                IN_KUBERNETES);

        IdentityVerifier verifier = app.context().getBean(IdentityVerifier.class);
        HealthResponse ready = app.awaitReadiness(r -> r.status() == 200);

        assertThat(verifier.snapshot().callerArn()).contains(simulator.podIdentityCallerArn());
        assertThat(ready.json()).containsOnlyKeys("status").containsEntry("status", "UP");
        assertThat(ready.body()).doesNotContain("callerArn", "VERIFIED", "roleProbe", "111122223333");
        HealthResponse live = app.liveness();
        assertThat(live.json()).containsOnlyKeys("status");
        assertThat(live.body()).doesNotContain("callerArn");
    }

    @Test
    void concurrentReadinessRequestsCauseNoStsCalls() throws Exception {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        start(Map.of("role-probe.role-arns", ROLE), IN_KUBERNETES);
        app.awaitReadiness(r -> r.status() == 200);
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(1);

        ExecutorService pool = Executors.newFixedThreadPool(32);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HealthResponse>> answers = new ArrayList<>();
        try {
            Callable<HealthResponse> probe = () -> {
                go.await();
                return app.readiness();
            };
            for (int i = 0; i < 200; i++) {
                answers.add(pool.submit(probe));
            }
            go.countDown();
            for (Future<HealthResponse> answer : answers) {
                HealthResponse r = answer.get();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.state()).isEqualTo("VERIFIED");
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
        assertThat(simulator.counters().maxConcurrentStsCalls()).isLessThanOrEqualTo(1);
    }

    @Test
    void closingTheContextStopsTheVerifierThread() throws Exception {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        start(Map.of("role-probe.role-arns", ROLE), IN_KUBERNETES);
        app.awaitReadiness(r -> r.status() == 200);
        assertThat(verifierThreadAlive()).isTrue();

        closeApp();

        assertThat(awaitNoVerifierThread(Duration.ofSeconds(2))).as("verifier thread stopped").isTrue();
    }
}
