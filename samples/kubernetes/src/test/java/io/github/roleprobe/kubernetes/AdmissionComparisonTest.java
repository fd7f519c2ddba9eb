package io.github.roleprobe.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.kubernetes.admission.AdmissionObjects;
import io.github.roleprobe.kubernetes.admission.AdmissionPolicy;
import io.github.roleprobe.kubernetes.manifest.Kit;
import io.github.roleprobe.kubernetes.manifest.Rendered;
import io.github.roleprobe.kubernetes.manifest.Yamls;
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
import io.github.roleprobe.kubernetes.sim.ValidationJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Time to the first Ready pod, in real time (scale 1), when the association becomes visible to the EKS
 * webhook (and effective at the agent) only {@link #VISIBLE_AFTER} after Argo CD applied it, that is after
 * the Deployment's first pod is created (wave -1 association, the default 2 s wave delay, wave 0
 * Deployment). The Micronaut sample, three runs in the same world:
 * <ol>
 *   <li>the kit with the admission policy: the ReplicaSet's creates are refused until the webhook injects;</li>
 *   <li>the kit without it (the library alone): the first pod is created without credentials
 *       (NOT_INJECTED) and waits for a person;</li>
 *   <li>the validation Job (legacy/validation-job.yaml), whose pods go through the same webhook, then the
 *       Deployment of the app without role-probe.</li>
 * </ol>
 * The assertions are on behaviour (which pods exist, with which env, in which order), not on speed. The
 * table goes to target/kubelet-sim/time-to-ready-admission.md (quoted in docs/migrating.md).
 */
class AdmissionComparisonTest {

    static final Duration WAVE_DELAY = ValidationJobComparisonTest.WAVE_DELAY;
    static final Duration VISIBLE_AFTER = Duration.ofSeconds(10);

    record Run(List<Attempt> attempts, List<Injection> injections, SimulatedPod pod) {
        long refused() {
            return attempts.stream().filter(a -> !a.created()).count();
        }
    }

    static Run deploy(Harness h, Rendered r, AdmissionPolicy policy, EksWebhook webhook, Map<String, String> props) {
        List<SimulatedPod> pods = new CopyOnWriteArrayList<>();
        List<Injection> injections = new CopyOnWriteArrayList<>();
        ReplicaSetController rs = new ReplicaSetController(r.deployment(), webhook, policy,
                AdmissionObjects.namespace("orders", Map.of()), h.scale(), ReplicaSetController.Clock.of(h.timeline()),
                h.timeline(), (name, injection) -> {
                    injections.add(injection);
                    pods.add(h.createPod(name, r.appEnv(), injection, props));
                });
        List<Attempt> attempts = rs.createFirstPod(Duration.ofSeconds(60));
        assertThat(pods).as(h::report).hasSize(1);
        return new Run(attempts, injections, pods.get(0));
    }

    @Test
    void thePolicyTurnsAPodThatWaitsForAPersonIntoAPodThatIsCreatedLateAndBecomesReady() throws Exception {
        SampleApp app = SampleApp.micronaut();
        Scale scale = Scale.realTime();
        Rendered r = Rendered.of(Path.of(app.name(), "overlays", "pod-identity"));
        String role = r.association().orElseThrow().path("spec").path("roleARN").asString();
        AdmissionPolicy policy = AdmissionPolicy.fromKit();

        // 1. the kit and the policy
        long policyReady;
        long policyCreated;
        long policyVerified;
        Run withPolicy;
        long visibleAt;
        try (Harness h = new Harness(r, app, scale, "admission-compare-policy")) {
            h.startWorld(h.worldBuilder().podIdentity(role).associationConsistentAfter(VISIBLE_AFTER));
            visibleAt = h.firstEvent("EKS world started") + VISIBLE_AFTER.toMillis();
            h.timeline().record("argocd", "wave -1 applied: ServiceAccount, PodIdentityAssociation");
            ProbeLoopSimulationTest.sleep(WAVE_DELAY.toMillis());
            h.timeline().record("argocd", "wave 0 applied: Deployment, Service");
            withPolicy = deploy(h, r, policy, EksWebhook.podIdentityVisibleAt(h.timeline()::now, visibleAt), Map.of());
            assertThat(withPolicy.pod().awaitReady(Duration.ofSeconds(120))).as(h::report).isTrue();
            policyReady = withPolicy.pod().firstReadyAt();
            policyVerified = h.verifiedAt();
            policyCreated = withPolicy.attempts().get(withPolicy.attempts().size() - 1).atMillis();
            assertThat(withPolicy.refused()).as("creates refused before the webhook saw the association").isPositive();
            assertThat(withPolicy.attempts()).filteredOn(a -> !a.created())
                    .allSatisfy(a -> assertThat(a.atMillis()).isLessThan(visibleAt));
            assertThat(policyCreated).isGreaterThanOrEqualTo(visibleAt);
            assertThat(withPolicy.injections()).containsExactly(Injection.POD_IDENTITY);
            assertThat(h.observations().stream().map(o -> HealthBody.state(o.details()))).doesNotContain("NOT_INJECTED");
            System.out.println("[policy]\n" + h.timeline());
        }

        // 2. the kit alone
        long aloneObservedUntil;
        Run alone;
        try (Harness h = new Harness(r, app, scale, "admission-compare-library-alone")) {
            h.startWorld(h.worldBuilder().podIdentity(role).associationConsistentAfter(VISIBLE_AFTER));
            long visible = h.firstEvent("EKS world started") + VISIBLE_AFTER.toMillis();
            h.timeline().record("argocd", "wave -1 applied: ServiceAccount, PodIdentityAssociation");
            ProbeLoopSimulationTest.sleep(WAVE_DELAY.toMillis());
            h.timeline().record("argocd", "wave 0 applied: Deployment, Service");
            alone = deploy(h, r, null, EksWebhook.podIdentityVisibleAt(h.timeline()::now, visible), Map.of());
            // Watch it for as long as the policy's pod took to become Ready.
            long until = policyReady;
            while (h.timeline().now() < until || h.observations(ProbeKind.READINESS).stream()
                    .noneMatch(o -> "NOT_INJECTED".equals(HealthBody.state(o.details())))) {
                ProbeLoopSimulationTest.sleep(100);
                if (h.timeline().now() > until + 60_000) {
                    break;
                }
            }
            aloneObservedUntil = h.timeline().now();
            assertThat(alone.refused()).isZero();
            assertThat(alone.injections()).as("created at once, before the webhook saw the association")
                    .containsExactly(Injection.NONE);
            assertThat(alone.pod().firstReadyAt()).as(h::report).isEqualTo(-1);
            assertThat(h.observations(ProbeKind.READINESS).stream().map(o -> HealthBody.state(o.details())))
                    .contains("NOT_INJECTED");
            System.out.println("[library alone]\n" + h.timeline());
        }

        // 3. the validation Job, its pods through the same webhook
        JsonNode jobManifest = Yamls.documents(Files.readString(Kit.dir().resolve("legacy/validation-job.yaml"))).get(0);
        ValidationJob job = new ValidationJob(jobManifest);
        ValidationJob.Result jobResult;
        long jobDeploymentAt;
        long jobReady;
        try (Harness h = new Harness(r, app, scale, "admission-compare-validation-job")) {
            h.startWorld(h.worldBuilder().podIdentity(role).associationConsistentAfter(VISIBLE_AFTER));
            long visible = h.firstEvent("EKS world started") + VISIBLE_AFTER.toMillis();
            EksWebhook webhook = EksWebhook.podIdentityVisibleAt(h.timeline()::now, visible);
            h.timeline().record("argocd", "wave -1 applied: ServiceAccount, PodIdentityAssociation");
            ProbeLoopSimulationTest.sleep(WAVE_DELAY.toMillis());
            h.timeline().record("argocd", "wave 0 applied: validation Job");
            jobResult = job.run(h.world(), webhook::injectionNow, scale, h.timeline(),
                    Kit.dir().resolve("target/kubelet-sim/" + app.name() + "/admission-compare-validation-job"));
            assertThat(jobResult.succeeded()).as(h::report).isTrue();
            assertThat(jobResult.pods()).as("the first Job pod ran without credentials and failed").isGreaterThanOrEqualTo(2);
            ProbeLoopSimulationTest.sleep(WAVE_DELAY.toMillis());
            jobDeploymentAt = h.timeline().record("argocd", "wave 1 applied: Deployment, Service (app without role-probe)");
            Run deployment = deploy(h, r, null, webhook, Map.of("role-probe.enabled", "false"));
            assertThat(deployment.injections()).containsExactly(Injection.POD_IDENTITY);
            assertThat(deployment.pod().awaitReady(Duration.ofSeconds(120))).as(h::report).isTrue();
            jobReady = deployment.pod().firstReadyAt();
            System.out.println("[validation Job]\n" + h.timeline());
        }

        String table = String.format("""
                | approach (association visible to the webhook and effective 10 s after it was applied; real time) | first app pod created | time to first Ready pod | pods created | creates refused | what waited |
                |---|---|---|---|---|---|
                | role-probe kit + admission policy | %.1f s, with credentials | %.1f s | 1 | %d (%.1f s to %.1f s) | the ReplicaSet's back-off until the webhook injected, then the JVM's start; STS confirmed the role at %.1f s |
                | role-probe kit alone | %.1f s, without credentials | never: not Ready when last seen (%.1f s) | 1 (NOT_INJECTED) | 0 | a person: the pod must be replaced |
                | validation Job | %.1f s, with credentials | %.1f s | %d (%d Job pods + 1) | 0 | the Deployment, until the Job's pod %d succeeded (at %.1f s), then the JVM's start |
                """,
                policyCreated / 1000.0, policyReady / 1000.0, withPolicy.refused(), withPolicy.attempts().get(0).atMillis() / 1000.0,
                withPolicy.attempts().get(withPolicy.attempts().size() - 2).atMillis() / 1000.0, policyVerified / 1000.0,
                alone.attempts().get(0).atMillis() / 1000.0, aloneObservedUntil / 1000.0,
                jobDeploymentAt / 1000.0, jobReady / 1000.0, jobResult.pods() + 1, jobResult.pods(), jobResult.pods(),
                jobResult.completedAt() / 1000.0);
        Path out = Kit.dir().resolve("target/kubelet-sim/time-to-ready-admission.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table + "\nJob pods: " + jobResult.outcomes() + "\n");
        System.out.println(table);
    }
}
