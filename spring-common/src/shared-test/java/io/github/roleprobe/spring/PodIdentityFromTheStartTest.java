package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;

/** Scenario a: EKS Pod Identity works from the start. */
class PodIdentityFromTheStartTest extends SimulatedPodSpringBootTest {

    @RegisterExtension
    static final SimulatedPod POD = SimulatedPod.of(EksPodSimulator.builder().podIdentity(ROLE));

    @Autowired
    ApplicationAvailability availability;

    @Override
    SimulatedPod pod() {
        return POD;
    }

    @Test
    void readinessIsUpAfterTheFirstAttemptWithExactlyOneStsCall() {
        EksPodSimulator simulator = POD.simulator();

        HealthResponse ready = probes.awaitOn(Probes.READINESS, r -> r.status() == 200);

        assertThat(ready.healthStatus()).isEqualTo("UP");
        HealthResponse roleProbe = probes.roleProbe();
        assertThat(roleProbe.status()).isEqualTo(200);
        assertThat(roleProbe.healthStatus()).isEqualTo("UP");
        assertThat(roleProbe.details())
                .containsEntry("state", "VERIFIED")
                .containsEntry("callerArn", simulator.podIdentityCallerArn())
                .containsEntry("credentialSource", "CONTAINER")
                .containsEntry("injection", "POD_IDENTITY")
                .containsEntry("expectedRoles", List.of(ROLE))
                .containsEntry("attempts", 1)
                .containsEntry("stsCalls", 1)
                .containsEntry("stale", false)
                .containsKeys("reason", "remedy", "lastCheck", "lastConfirmed", "stateSince", "accessKeyId");
        assertThat((String) roleProbe.details().get("accessKeyId")).contains("…");
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
        assertThat(simulator.issuedSecrets()).isNotEmpty();

        HealthResponse live = probes.liveness();
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.healthStatus()).isEqualTo("UP");
        assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
        assertThat(availability.getLivenessState()).isEqualTo(LivenessState.CORRECT);

        HealthResponse health = probes.get(Probes.HEALTH);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.component(RoleProbeHealthIndicator.NAME)).containsEntry("status", "UP");
        assertThat(health.component("readinessState")).containsEntry("status", "UP");
    }

    @Test
    void concurrentProbeRequestsCauseNoFurtherStsCalls() throws Exception {
        EksPodSimulator simulator = POD.simulator();
        probes.awaitOn(Probes.READINESS, r -> r.status() == 200);

        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<HealthResponse>>> answers = new ArrayList<>();
        try {
            Callable<List<HealthResponse>> probe = () -> {
                go.await();
                return List.of(probes.readiness(), probes.liveness(), probes.roleProbe());
            };
            for (int i = 0; i < 100; i++) {
                answers.add(pool.submit(probe));
            }
            go.countDown();
            for (Future<List<HealthResponse>> answer : answers) {
                assertThat(answer.get()).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
                assertThat(answer.get().get(2).state()).isEqualTo("VERIFIED");
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
        assertThat(simulator.counters().maxConcurrentStsCalls()).isLessThanOrEqualTo(1);
    }
}
