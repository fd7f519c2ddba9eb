package io.github.roleprobe.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.kubernetes.admission.AdmissionObjects;
import io.github.roleprobe.kubernetes.admission.AdmissionPolicy;
import io.github.roleprobe.kubernetes.manifest.Rendered;
import io.github.roleprobe.kubernetes.sim.Admission.Injection;
import io.github.roleprobe.kubernetes.sim.EksWebhook;
import io.github.roleprobe.kubernetes.sim.Harness;
import io.github.roleprobe.kubernetes.sim.HealthBody;
import io.github.roleprobe.kubernetes.sim.ReplicaSetController;
import io.github.roleprobe.kubernetes.sim.ReplicaSetController.Attempt;
import io.github.roleprobe.kubernetes.sim.SampleApp;
import io.github.roleprobe.kubernetes.sim.Scale;
import io.github.roleprobe.kubernetes.sim.SimulatedPod;
import io.github.roleprobe.kubernetes.sim.ProbeKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kubelet probe-loop simulation with admission: the Deployment's ReplicaSet creates its pod through the
 * EKS webhook (which sees the association only after {@link #VISIBLE_AFTER}) and the kit's
 * ValidatingAdmissionPolicy (its CEL from samples/kubernetes/admission, evaluated by dev.cel), time-scaled
 * like {@link ProbeLoopSimulationTest}. Without the policy this pod would be the NOT_INJECTED pod of
 * {@code notInjectedNeverReadyNeverRestartedAndHealedByANewPod}; with it, no such pod is ever created.
 */
class AdmissionProbeLoopSimulationTest {

    static final Scale SCALE = ProbeLoopSimulationTest.SCALE;
    /** When the webhook sees the association (and the agent serves the role), after the association was applied. */
    static final Duration VISIBLE_AFTER = Duration.ofSeconds(5);

    /**
     * The Micronaut sample, or both with {@code -Droleprobe.kit.allSamples=true} (as
     * {@link ProbeLoopSimulationTest#appsForLongScenarios()}): what is tested here (admission, the
     * ReplicaSet's retries) does not depend on the framework, and {@link AdmissionPolicyTest} evaluates the
     * policy against both samples' pods.
     */
    static List<SampleApp> apps() {
        return ProbeLoopSimulationTest.appsForLongScenarios();
    }

    @ParameterizedTest
    @MethodSource("apps")
    void associationVisibleToTheWebhookAfter5sCreatesNoNotInjectedPodAndTheFirstAdmittedPodBecomesReady(SampleApp app) {
        Rendered r = ProbeLoopSimulationTest.podIdentity(app);
        AdmissionPolicy policy = AdmissionPolicy.fromKit();
        try (Harness h = new Harness(r, app, SCALE, "admission-visible-after-5s")) {
            h.startWorld(h.worldBuilder().podIdentity(ProbeLoopSimulationTest.roleArn(r)).associationConsistentAfter(VISIBLE_AFTER));
            long visibleAt = h.firstEvent("EKS world started") + VISIBLE_AFTER.toMillis();
            EksWebhook webhook = EksWebhook.podIdentityVisibleAt(h.timeline()::now, visibleAt);
            List<SimulatedPod> pods = new CopyOnWriteArrayList<>();
            List<Injection> injections = new CopyOnWriteArrayList<>();
            ReplicaSetController rs = new ReplicaSetController(r.deployment(), webhook, policy,
                    AdmissionObjects.namespace("orders", Map.of()), SCALE, ReplicaSetController.Clock.of(h.timeline()),
                    h.timeline(), (name, injection) -> {
                        injections.add(injection);
                        pods.add(h.createPod(name, r.appEnv(), injection, h.scaledRoleProbeSettings()));
                    });
            h.timeline().record("argocd", "Deployment applied; the webhook sees the association at " + visibleAt + " ms");
            List<Attempt> attempts = rs.createFirstPod(Duration.ofSeconds(60));

            assertThat(pods).as(h::report).hasSize(1);
            SimulatedPod pod = pods.get(0);
            assertThat(pod.awaitReady(Duration.ofSeconds(90))).as(h::report).isTrue();

            List<Attempt> refused = attempts.stream().filter(a -> !a.created()).toList();
            Attempt created = attempts.get(attempts.size() - 1);
            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(refused).as("creates refused while the webhook did not see the association").isNotEmpty()
                    .allSatisfy(a -> {
                        assertThat(a.injection()).isEqualTo(Injection.NONE);
                        assertThat(a.atMillis()).isLessThan(visibleAt);
                        assertThat(a.error()).contains("no EKS Pod Identity credentials in container app");
                    });
            soft.assertThat(created.created()).isTrue();
            soft.assertThat(created.atMillis()).as("created once the webhook saw the association").isGreaterThanOrEqualTo(visibleAt);
            soft.assertThat(injections).as("every pod that exists has its credentials").containsExactly(Injection.POD_IDENTITY);
            Attempt lastRefused = refused.get(refused.size() - 1);
            soft.assertThat(created.atMillis() - lastRefused.atMillis()).as("the next retry came after the back-off, not later")
                    .isLessThanOrEqualTo(SCALE.of(lastRefused.requeueAfter()).toMillis() + ProbeLoopSimulationTest.TOLERANCE_MS);
            soft.assertThat(h.timeline().events().stream().filter(e -> e.what().contains("Warning FailedCreate")).count())
                    .as("one FailedCreate event per refused create").isEqualTo(refused.size());
            soft.assertThat(pod.firstReadyAt()).as("Ready after it was created").isGreaterThan(created.atMillis());
            soft.assertThat(pod.restarts()).isZero();
            soft.assertThat(h.observations().stream().map(o -> HealthBody.state(o.details())).toList())
                    .as("role-probe never saw a pod without its env").doesNotContain("NOT_INJECTED");
            soft.assertThat(h.observations(ProbeKind.READINESS)).anySatisfy(o -> assertThat(o.success()).isTrue());
            ProbeLoopSimulationTest.assertAnswersAreRealEndpoints(soft, h);
            soft.assertAll();
            System.out.printf("[%s admission-visible-after-5s] %d creates refused (last at %d ms), pod created at %d ms,"
                    + " Ready at %d ms%n%s", app.name(), refused.size(), lastRefused.atMillis(), created.atMillis(),
                    pod.firstReadyAt(), h.timeline());
        }
    }
}
