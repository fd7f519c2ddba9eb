package io.github.roleprobe.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.kubernetes.manifest.Kit;
import io.github.roleprobe.kubernetes.manifest.ManifestValidator;
import io.github.roleprobe.kubernetes.manifest.Rendered;
import io.github.roleprobe.kubernetes.manifest.Yamls;
import io.github.roleprobe.kubernetes.sim.Admission.Injection;
import io.github.roleprobe.kubernetes.sim.Harness;
import io.github.roleprobe.kubernetes.sim.SampleApp;
import io.github.roleprobe.kubernetes.sim.Scale;
import io.github.roleprobe.kubernetes.sim.SimulatedPod;
import io.github.roleprobe.kubernetes.sim.ValidationJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Time to ready, in real time (scale 1: every kubelet, Job controller and Argo CD timer at its real
 * value), of the same sync in the same world, the association effective 10 s after Argo CD applied it:
 * <ol>
 *   <li>role-probe (this kit): wave -1 association, the default 2 s wave delay, wave 0 Deployment;</li>
 *   <li>the validation Job (legacy/validation-job.yaml): wave -1 association, 2 s, the Job (one new pod
 *       per try, Job back-off 10 s, 20 s, ...), 2 s after it completed, the Deployment of an app without
 *       role-probe;</li>
 *   <li>a raised ARGOCD_SYNC_WAVE_DELAY (30 s) and no check: derived, not run, from the measured
 *       start-to-Ready of the app without role-probe.</li>
 * </ol>
 * The table goes to target/kubelet-sim/time-to-ready.md (quoted in docs/migrating.md).
 */
class ValidationJobComparisonTest {

    static final Duration WAVE_DELAY = Duration.ofSeconds(2); // ARGOCD_SYNC_WAVE_DELAY default
    static final Duration RAISED_WAVE_DELAY = Duration.ofSeconds(30);
    /**
     * When the association becomes effective after Argo CD applied it. 10 s ("several seconds"): long
     * enough that the Job's first pod, started 2 s after the association, checks before it on this
     * machine too (a JVM here starts slower than aws-cli in a real pod).
     */
    static final Duration CONSISTENT_AFTER = Duration.ofSeconds(10);

    @Test
    void roleProbeIsReadyBeforeTheValidationJobWouldLetTheDeploymentStart() throws Exception {
        SampleApp app = SampleApp.micronaut();
        Scale scale = Scale.realTime();
        Rendered r = Rendered.of(Path.of(app.name(), "overlays", "pod-identity"));
        String role = r.association().orElseThrow().path("spec").path("roleARN").asString();
        JsonNode jobManifest = Yamls.documents(Files.readString(Kit.dir().resolve("legacy/validation-job.yaml"))).get(0);
        assertThat(ManifestValidator.validate(jobManifest)).isEmpty();
        ValidationJob job = new ValidationJob(jobManifest);
        assertThat(job.containerEnv()).containsEntry("EXPECTED_ROLE_ARN", role);

        long roleProbeReady;
        long roleProbeVerified;
        try (Harness h = new Harness(r, app, scale, "compare-role-probe")) {
            h.startWorld(h.worldBuilder().podIdentity(role).associationConsistentAfter(CONSISTENT_AFTER));
            h.timeline().record("argocd", "wave -1 applied: ServiceAccount, PodIdentityAssociation");
            ProbeLoopSimulationTest.sleep(scale.of(WAVE_DELAY).toMillis());
            h.timeline().record("argocd", "wave 0 applied: Deployment, Service");
            SimulatedPod pod = h.createPod("orders-1", r.appEnv(), Injection.POD_IDENTITY, Map.of());
            assertThat(pod.awaitReady(Duration.ofSeconds(120))).as(h::report).isTrue();
            roleProbeReady = pod.firstReadyAt();
            roleProbeVerified = h.verifiedAt();
            System.out.println("[role-probe]\n" + h.timeline());
        }

        ValidationJob.Result jobResult;
        long jobDeploymentAt;
        long jobReady;
        int jobPods;
        try (Harness h = new Harness(r, app, scale, "compare-validation-job")) {
            h.startWorld(h.worldBuilder().podIdentity(role).associationConsistentAfter(CONSISTENT_AFTER));
            h.timeline().record("argocd", "wave -1 applied: ServiceAccount, PodIdentityAssociation");
            ProbeLoopSimulationTest.sleep(scale.of(WAVE_DELAY).toMillis());
            h.timeline().record("argocd", "wave 0 applied: validation Job");
            jobResult = job.run(h.world(), Injection.POD_IDENTITY, scale, h.timeline(),
                    Kit.dir().resolve("target/kubelet-sim/" + app.name() + "/compare-validation-job"));
            assertThat(jobResult.succeeded()).as(h::report).isTrue();
            jobPods = jobResult.pods();
            ProbeLoopSimulationTest.sleep(scale.of(WAVE_DELAY).toMillis());
            jobDeploymentAt = h.timeline().record("argocd", "wave 1 applied: Deployment, Service (app without role-probe)");
            SimulatedPod pod = h.createPod("orders-1", r.appEnv(), Injection.POD_IDENTITY,
                    Map.of("role-probe.enabled", "false"));
            assertThat(pod.awaitReady(Duration.ofSeconds(120))).as(h::report).isTrue();
            jobReady = pod.firstReadyAt();
            System.out.println("[validation Job]\n" + h.timeline());
        }
        long appStartToReady = jobReady - jobDeploymentAt;
        long raisedDelayReady = RAISED_WAVE_DELAY.toMillis() + appStartToReady;

        String table = String.format("""
                | approach (association effective 10 s after it was applied; kubelet and controllers in real time) | time to first Ready pod | pods created | what waited |
                |---|---|---|---|
                | role-probe kit (wave -1 association, 2 s default wave delay, Deployment) | %.1f s | 1 | readiness, until STS confirmed the role (at %.1f s) |
                | validation Job (wave -1 association, 2 s, Job, 2 s, Deployment) | %.1f s | %d (%d Job pods + 1) | the Deployment, until the Job's pod %d succeeded (at %.1f s) |
                | ARGOCD_SYNC_WAVE_DELAY=%d, no check (derived: delay + measured app start-to-Ready %.1f s) | %.1f s | 1 | every sync, %d s per wave boundary, whether or not the role is ready |
                """,
                roleProbeReady / 1000.0, roleProbeVerified / 1000.0,
                jobReady / 1000.0, jobPods + 1, jobPods, jobPods, jobResult.completedAt() / 1000.0,
                RAISED_WAVE_DELAY.toSeconds(), appStartToReady / 1000.0, raisedDelayReady / 1000.0,
                RAISED_WAVE_DELAY.toSeconds());
        Path out = Kit.dir().resolve("target/kubelet-sim/time-to-ready.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table + "\nJob pods: " + jobResult.outcomes() + "\n");
        System.out.println(table);

        assertThat(roleProbeReady).as("role-probe's pod is Ready before the Job approach's").isLessThan(jobReady);
    }
}
