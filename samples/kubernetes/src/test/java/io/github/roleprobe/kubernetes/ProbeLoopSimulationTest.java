package io.github.roleprobe.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.kubernetes.manifest.Rendered;
import io.github.roleprobe.kubernetes.sim.Admission.Injection;
import io.github.roleprobe.kubernetes.sim.Harness;
import io.github.roleprobe.kubernetes.sim.HealthBody;
import io.github.roleprobe.kubernetes.sim.SampleApp;
import io.github.roleprobe.kubernetes.sim.Scale;
import io.github.roleprobe.kubernetes.sim.SimulatedPod;
import io.github.roleprobe.kubernetes.sim.ProbeKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kubelet probe loop (see {@link SimulatedPod}) driven by the probe settings of the rendered
 * Deployments against the sample apps in the testkit's simulated EKS world, time-scaled by
 * {@link Scale#fromSystemProperty()} (default 1/5: a 2 s readiness period probes every 400 ms).
 */
class ProbeLoopSimulationTest {

    static final Scale SCALE = Scale.fromSystemProperty();
    /** Slack for one probe's HTTP round trip and thread scheduling on a loaded 2-core machine. */
    static final long TOLERANCE_MS = 500;
    /** An attempt that started before the association was effective may end after it. */
    static final long IN_FLIGHT_SLACK_MS = 2000;
    /** The first attempt in a cold JVM (SDK class loading, the first STS call) on a loaded machine. */
    static final long COLD_ATTEMPT_MS = 10_000;

    static List<SampleApp> apps() {
        return SampleApps.available();
    }

    /**
     * The samples for the scenarios that start two JVMs or wait out the liveness grace: every sample with
     * {@code -Droleprobe.kit.allSamples=true}, else the Micronaut sample only, to keep the module's test run
     * near 5 minutes on a loaded 2-core build machine (a Spring Boot start takes 30 s+ there). The Spring
     * Boot sample runs the association-after-5 s and NOT_INJECTED scenarios by default.
     */
    static List<SampleApp> appsForLongScenarios() {
        return Boolean.getBoolean("roleprobe.kit.allSamples") ? SampleApps.available() : List.of(SampleApp.micronaut());
    }

    static Rendered podIdentity(SampleApp app) {
        return Rendered.of(Path.of(app.name(), "overlays", "pod-identity"));
    }

    static String roleArn(Rendered r) {
        return r.association().orElseThrow().path("spec").path("roleARN").asString();
    }

    /**
     * The association becomes effective 5 s after the pod was admitted with Pod Identity env: until
     * then the agent refuses and (hardened) IMDS is off, so role-probe waits; the pod is Ready within
     * one readiness period of the verifier's first successful attempt (or of the startup probe's
     * success, if the JVM was slower than the association).
     */
    @ParameterizedTest
    @MethodSource("apps")
    void associationConsistentAfter5sBecomesReadyWithinOneReadinessPeriodOfVerification(SampleApp app) {
        Rendered r = podIdentity(app);
        try (Harness h = new Harness(r, app, SCALE, "consistent-after-5s")) {
            h.startWorld(h.worldBuilder().podIdentity(roleArn(r)).associationConsistentAfter(Duration.ofSeconds(5)));
            long consistentAt = h.firstEvent("EKS world started") + 5000;
            SimulatedPod pod = h.createPod("orders-1", r.appEnv(), Injection.POD_IDENTITY, h.scaledRoleProbeSettings());

            assertThat(pod.awaitReady(Duration.ofSeconds(90))).as(h::report).isTrue();

            // Liveness probes every 10 s (scaled): wait, bounded, for its first answer after the startup probe.
            long livenessDeadline = System.nanoTime() + SCALE.seconds(r.livenessProbe().periodSeconds())
                    .plusSeconds(r.livenessProbe().timeoutSeconds() + 1L).toNanos();
            while (h.observations(ProbeKind.LIVENESS).isEmpty() && System.nanoTime() < livenessDeadline) {
                sleep(20);
            }
            long readyAt = pod.firstReadyAt();
            long verifiedAt = h.verifiedAt();
            long startedAt = h.firstEvent("started (startup probe succeeded)");
            long readinessPeriod = SCALE.seconds(r.readinessProbe().periodSeconds()).toMillis();
            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(verifiedAt).as("VERIFIED seen in the readiness details").isPositive();
            soft.assertThat(verifiedAt).as("never verified before the association was effective")
                    .isGreaterThanOrEqualTo(consistentAt - 100);
            // The verifier's first attempt past the delay found the role. Judged on the verifier's own timestamps
            // (lastCheck: when an attempt ended), not on how fast the JVM started: no attempt that ended after
            // the association was effective (plus slack for an attempt in flight across that moment) failed.
            soft.assertThat(h.observations().stream().map(o -> o.details())
                    .filter(d -> !HealthBody.state(d).isEmpty() && !"VERIFIED".equals(HealthBody.state(d)))
                    .map(d -> HealthBody.field(d, "lastCheck").map(n -> n.asString("")).orElse(""))
                    .filter(t -> !t.isEmpty()).mapToLong(t -> h.timeline().millis(java.time.Instant.parse(t))))
                    .as("attempts that failed although the association was effective").allSatisfy(
                            t -> assertThat(t).isLessThan(consistentAt + IN_FLIGHT_SLACK_MS));
            // A sanity bound only: the verifier runs once the JVM is up (approximated by the first HTTP answer);
            // its next attempt comes within the backoff ceiling: at most backoff.local-max (1 s) after an attempt
            // that sent nothing to STS, as here while the agent refuses and IMDS is off, and at most backoff.max
            // (5 s) after one that did; 5 s bounds both. A first STS call in a cold JVM on a loaded machine can
            // take several seconds more.
            long appUpAt = h.observations().stream().filter(o -> o.status() != 0)
                    .mapToLong(SimulatedPod.Observation::atMillis).min().orElse(Long.MAX_VALUE);
            soft.assertThat(verifiedAt - Math.max(consistentAt, appUpAt))
                    .as("verified within the backoff maximum of the app being up or the association effective")
                    .isLessThanOrEqualTo(5000 + COLD_ATTEMPT_MS);
            soft.assertThat(readyAt).as("Ready only after STS confirmed the role").isGreaterThanOrEqualTo(verifiedAt);
            soft.assertThat(readyAt).as("Ready within one readiness period (%d ms) of verification or startup",
                    readinessPeriod).isLessThanOrEqualTo(Math.max(verifiedAt, startedAt) + readinessPeriod + TOLERANCE_MS);
            soft.assertThat(pod.restarts()).as("no restart while waiting for the association").isZero();
            if (startedAt + readinessPeriod < verifiedAt) { // the JVM was up before the role: readiness had to wait
                soft.assertThat(h.observations(ProbeKind.READINESS)).as("readiness was DOWN while waiting")
                        .anySatisfy(o -> assertThat(o.success()).isFalse());
            }
            soft.assertThat(h.observations(ProbeKind.LIVENESS)).allSatisfy(o -> assertThat(o.success()).isTrue());
            assertAnswersAreRealEndpoints(soft, h);
            for (ProbeKind kind : ProbeKind.values()) {
                soft.assertThat(h.observations(kind)).as("the %s path of the rendered Deployment answered 200", kind)
                        .anySatisfy(o -> assertThat(o.status()).isEqualTo(200));
            }
            soft.assertAll();
            System.out.printf("[%s consistent-after-5s] consistent at %d ms, verified at %d ms, startup ok at %d ms,"
                    + " Ready at %d ms (readiness period %d ms)%n%s", app.name(), consistentAt, verifiedAt, startedAt,
                    readyAt, readinessPeriod, h.timeline());
        }
    }

    /**
     * Without the IMDS hardening, an app that resolves credentials at startup (sample.warm-up-credentials)
     * keeps the node role in its long-lived chain even after the association works. role-probe fails
     * liveness after its grace (60 s, scaled), the kubelet restarts the container (same pod, same env),
     * and the new JVM's chain gets the pod's role.
     */
    @ParameterizedTest
    @MethodSource("appsForLongScenarios")
    void stuckOnNodeRoleGetsOneContainerRestartThenBecomesReady(SampleApp app) {
        Rendered r = podIdentity(app);
        try (Harness h = new Harness(r, app, SCALE, "stuck-on-node-role")) {
            h.startWorld(h.worldBuilder().podIdentity(roleArn(r)).associationConsistentAfter(Duration.ofHours(1)));
            AtomicBoolean consistent = new AtomicBoolean();
            h.onProbe(o -> {
                // The app started and its chain took the node role: now let the association work.
                if ("WRONG_IDENTITY/NODE_ROLE".equals(HealthBody.fullState(o.details())) && consistent.compareAndSet(false, true)) {
                    h.world().makeAssociationConsistent();
                    h.timeline().record("world", "association effective (the app's chain is already on the node role)");
                }
            });
            Map<String, String> env = new LinkedHashMap<>(r.appEnv());
            env.remove("AWS_EC2_METADATA_DISABLED"); // a Deployment without the hardening
            env.put(app.warmUpCredentialsEnv(), "true"); // sample.warm-up-credentials
            SimulatedPod pod = h.createPod("orders-1", env, Injection.POD_IDENTITY, h.scaledRoleProbeSettings());

            assertThat(pod.awaitReady(Duration.ofSeconds(150))).as(h::report).isTrue();

            long killedAt = h.firstEvent("container 0 killed");
            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(consistent).as("the app was seen stuck on the node role").isTrue();
            soft.assertThat(pod.restarts()).as("exactly one container restart").isEqualTo(1);
            soft.assertThat(pod.restartCauses()).singleElement().asString().startsWith("liveness probe failed");
            soft.assertThat(pod.firstReadyAt()).as("never Ready before the restart").isGreaterThan(killedAt);
            soft.assertThat(h.observations(ProbeKind.READINESS).stream().filter(o -> o.container() == 0))
                    .as("container 0 never passed readiness").allSatisfy(o -> assertThat(o.success()).isFalse());
            soft.assertAll();
            System.out.printf("[%s stuck-on-node-role] killed at %d ms, Ready at %d ms%n%s", app.name(), killedAt,
                    pod.firstReadyAt(), h.timeline());
        }
    }

    /**
     * The same app with the manifest's hardening (AWS_EC2_METADATA_DISABLED=true): the early resolution
     * finds no credentials instead of the node role, nothing sticks, role-probe waits visibly
     * (NO_CREDENTIALS), and the pod becomes Ready without any restart.
     */
    @ParameterizedTest
    @MethodSource("appsForLongScenarios")
    void withTheImdsHardeningTheSameAppWaitsVisiblyAndNeedsNoRestart(SampleApp app) {
        Rendered r = podIdentity(app);
        try (Harness h = new Harness(r, app, SCALE, "hardened-warm-up")) {
            h.startWorld(h.worldBuilder().podIdentity(roleArn(r)).associationConsistentAfter(Duration.ofHours(1)));
            AtomicBoolean consistent = new AtomicBoolean();
            h.onProbe(o -> {
                if ("NO_CREDENTIALS".equals(HealthBody.state(o.details())) && consistent.compareAndSet(false, true)) {
                    h.world().makeAssociationConsistent();
                    h.timeline().record("world", "association effective (the app waited with NO_CREDENTIALS)");
                }
            });
            Map<String, String> env = new LinkedHashMap<>(r.appEnv());
            assertThat(env).containsEntry("AWS_EC2_METADATA_DISABLED", "true");
            env.put(app.warmUpCredentialsEnv(), "true"); // sample.warm-up-credentials
            SimulatedPod pod = h.createPod("orders-1", env, Injection.POD_IDENTITY, h.scaledRoleProbeSettings());

            assertThat(pod.awaitReady(Duration.ofSeconds(90))).as(h::report).isTrue();
            assertThat(consistent).as("role-probe reported NO_CREDENTIALS while the agent refused").isTrue();
            assertThat(pod.restarts()).isZero();
            assertThat(h.observations()).noneSatisfy(o -> assertThat(HealthBody.state(o.details())).isEqualTo("WRONG_IDENTITY"));
        }
    }

    /**
     * A pod admitted before the association was visible has no Pod Identity env, for its whole life.
     * It never becomes Ready and liveness stays UP (no restart loop: a restart keeps the env) for longer
     * than it takes liveness to restart a container; a new pod (new admission) becomes Ready.
     */
    @ParameterizedTest
    @MethodSource("apps")
    void notInjectedNeverReadyNeverRestartedAndHealedByANewPod(SampleApp app) {
        Rendered r = podIdentity(app);
        try (Harness h = new Harness(r, app, SCALE, "not-injected")) {
            h.startWorld(h.worldBuilder().podIdentity(roleArn(r)));
            SimulatedPod first = h.createPod("orders-1", r.appEnv(), Injection.NONE, h.scaledRoleProbeSettings());
            long deadline = System.currentTimeMillis() + 90_000;
            while (h.firstEvent("started (startup probe succeeded)") < 0 && System.currentTimeMillis() < deadline) {
                sleep(50);
            }
            assertThat(h.firstEvent("started (startup probe succeeded)")).as(h::report).isPositive();
            // Longer than the grace plus a full liveness failure run, plus one more period.
            var liveness = r.livenessProbe();
            Duration window = SCALE.seconds(60 + liveness.failureThreshold() * liveness.periodSeconds() + liveness.periodSeconds());
            sleep(window.toMillis());

            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(first.firstReadyAt()).as("never Ready").isEqualTo(-1);
            soft.assertThat(first.restarts()).as("never restarted").isZero();
            soft.assertThat(h.observations(ProbeKind.LIVENESS)).as("liveness probed and UP")
                    .hasSizeGreaterThanOrEqualTo((int) (window.toMillis() / SCALE.seconds(liveness.periodSeconds()).toMillis()) - 1)
                    .allSatisfy(o -> assertThat(o.success()).isTrue());
            soft.assertThat(h.observations(ProbeKind.READINESS)).as("readiness probed and never passed").isNotEmpty()
                    .allSatisfy(o -> assertThat(o.success()).isFalse());
            // An answer whose details did not arrive in time (a loaded machine) says nothing: judge the others.
            soft.assertThat(h.observations(ProbeKind.READINESS).stream().map(o -> HealthBody.state(o.details()))
                    .filter(st -> !st.isEmpty()).toList()).as("role-probe's state while not Ready").isNotEmpty()
                    .allSatisfy(st -> assertThat(st).isEqualTo("NOT_INJECTED"));
            assertAnswersAreRealEndpoints(soft, h);
            soft.assertAll();

            h.timeline().record("operator", "pod deleted (e.g. kubectl rollout restart): the ReplicaSet creates a new pod");
            first.close();
            SimulatedPod second = h.createPod("orders-2", r.appEnv(), Injection.POD_IDENTITY, h.scaledRoleProbeSettings());
            assertThat(second.awaitReady(Duration.ofSeconds(90))).as(h::report).isTrue();
            assertThat(second.restarts()).isZero();
            System.out.printf("[%s not-injected]%n%s", app.name(), h.timeline());
        }
    }

    /**
     * IRSA: ROLE_PROBE_ROLE_ARN is empty, so role-probe expects the AWS_ROLE_ARN the webhook injects from
     * the service account's annotation. A role other than the sample's default proves where it came from.
     */
    @ParameterizedTest
    @MethodSource("appsForLongScenarios")
    void irsaExpectsTheAnnotatedRole(SampleApp app, @org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String role = "arn:aws:iam::111122223333:role/team/app/orders-irsa-check";
        Path copy = ManifestsTest.copyKit(tmp);
        Path kustomization = copy.resolve(app.name() + "/overlays/irsa/kustomization.yaml");
        String text = java.nio.file.Files.readString(kustomization);
        assertThat(text).contains("eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/orders");
        java.nio.file.Files.writeString(kustomization, text.replace(
                "eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/orders", "eks.amazonaws.com/role-arn: " + role));
        Rendered r = new Rendered(Path.of("irsa-copy"),
                io.github.roleprobe.kubernetes.manifest.Kustomize.render(copy.resolve(app.name() + "/overlays/irsa")));
        assertThat(r.irsaRoleArn()).contains(role);
        try (Harness h = new Harness(r, app, SCALE, "irsa")) {
            h.startWorld(h.worldBuilder().irsa(r.irsaRoleArn().orElseThrow()));
            SimulatedPod pod = h.createPod("orders-1", r.appEnv(), Injection.IRSA, h.scaledRoleProbeSettings());
            assertThat(pod.awaitReady(Duration.ofSeconds(90))).as(h::report).isTrue();
            String body = h.observations(ProbeKind.READINESS).stream().filter(SimulatedPod.Observation::success)
                    .findFirst().orElseThrow().details();
            assertThat(HealthBody.field(body, "expectedRoles").orElseThrow().toString()).contains(role);
            assertThat(HealthBody.field(body, "callerArn").orElseThrow().asString()).contains(":assumed-role/orders-irsa-check/");
        }
    }

    /**
     * The probe paths and port read from the rendered Deployment are the sample's real endpoints: every
     * answer the app gave is a health answer (200 UP, 503 not UP), never 404 or another error.
     */
    static void assertAnswersAreRealEndpoints(SoftAssertions soft, Harness h) {
        soft.assertThat(h.observations().stream().filter(o -> o.status() != 0).toList())
                .as("answers of the rendered probe paths").isNotEmpty()
                .allSatisfy(o -> assertThat(o.status()).as("%s answered %s", o.kind(), o.body()).isIn(200, 503));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
