package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.IdentityVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.TestPropertySource;

/** Health details appear only as {@code management.endpoint.health.show-details} permits (default: never). */
@TestPropertySource(properties = "management.endpoint.health.show-details=never")
class DetailsHiddenTest extends SimulatedPodSpringBootTest {

    @RegisterExtension
    static final SimulatedPod POD = SimulatedPod.of(EksPodSimulator.builder().podIdentity(ROLE));

    @Override
    SimulatedPod pod() {
        return POD;
    }

    @Test
    void detailsAreHiddenUnlessShowDetailsPermits() {
        IdentityVerifier verifier = context.getBean(IdentityVerifier.class);
        HealthResponse ready = probes.awaitOn(Probes.READINESS, r -> r.status() == 200);

        assertThat(verifier.snapshot().callerArn()).contains(POD.simulator().podIdentityCallerArn());
        assertThat(ready.json()).containsOnlyKeys("status").containsEntry("status", "UP");
        // Without details, Spring Boot shows no components either: the component path is not found.
        assertThat(probes.roleProbe().status()).isEqualTo(404);
        HealthResponse health = probes.get(Probes.HEALTH);
        assertThat(health.json()).containsOnlyKeys("status", "groups").containsEntry("status", "UP");
        assertThat(health.body()).doesNotContain("callerArn", "VERIFIED", "111122223333");
        assertThat(probes.liveness().json()).containsOnlyKeys("status");
    }
}
