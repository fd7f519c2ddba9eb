package io.github.roleprobe.micronaut;

import io.github.roleprobe.verify.RoleProbeActivation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.IdentityVerifier;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** role-probe switched off, or staying out of the way outside Kubernetes. */
class InactiveAndDisabledTest extends SimulatedPodTest {

    @Test
    void disabledLeavesNoVerifierAndReadinessUp() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        start(Map.of("role-probe.enabled", "false", "role-probe.role-arns", ROLE), IN_KUBERNETES);

        HealthResponse ready = app.readiness();

        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.indicator(RoleProbeReadinessIndicator.NAME)).isEmpty();
        assertThat(app.context().containsBean(IdentityVerifier.class)).isFalse();
        assertThat(app.context().containsBean(RoleProbeReadinessIndicator.class)).isFalse();
        assertThat(app.context().containsBean(RoleProbeLivenessIndicator.class)).isFalse();
        assertThat(app.context().getBean(RoleProbeConfiguration.class).isEnabled()).isFalse();
        assertThat(app.liveness().status()).isEqualTo(200);
        assertThat(verifierThreadAlive()).isFalse();
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isZero();
    }

    @Test
    void outsideKubernetesWithoutRoleStaysInactive() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).inKubernetes(false));
        start(Map.of(), OUTSIDE_KUBERNETES);

        HealthResponse ready = app.readiness();

        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.roleProbe()).containsEntry("state", "INACTIVE");
        assertThat((String) ready.roleProbe().get("reason")).contains("KUBERNETES_SERVICE_HOST", "role-probe.role-arns");
        HealthResponse live = app.liveness();
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.roleProbeLiveness()).containsEntry("state", "INACTIVE");
        assertThat(app.context().findBean(IdentityVerifier.class)).isEmpty();
        assertThat(app.context().getBean(RoleProbeActivation.class).active()).isFalse();
        assertThat(verifierThreadAlive()).isFalse();
        assertThat(logs().count("role-probe is inactive")).as("logged once").isEqualTo(1);
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isZero();
        assertThat(simulator.counters().agentRequests()).isZero();
    }

    @Test
    void withoutPodEnvironmentBeanTheProcessEnvironmentDecides() {
        assumeTrue(System.getenv(PodEnvironment.KUBERNETES_SERVICE_HOST) == null, "test JVM runs outside Kubernetes");
        simulate(EksPodSimulator.builder().podIdentity(ROLE).inKubernetes(false));
        start(Map.of());

        HealthResponse ready = app.readiness();

        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.roleProbe()).containsEntry("state", "INACTIVE");
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isZero();
    }

    @Test
    void outsideKubernetesWithRoleStillVerifies() {
        simulate(EksPodSimulator.builder().podIdentity(ROLE).inKubernetes(false));
        start(Map.of("role-probe.role-arns", ROLE), OUTSIDE_KUBERNETES);

        HealthResponse ready = app.awaitReadiness(r -> r.status() == 200);

        assertThat(ready.state()).isEqualTo("VERIFIED");
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
    }
}
