package io.github.roleprobe.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.kubernetes.manifest.Kit;
import io.github.roleprobe.kubernetes.manifest.Rendered;
import io.github.roleprobe.kubernetes.sim.Admission;
import io.github.roleprobe.kubernetes.sim.Admission.Injection;
import io.github.roleprobe.kubernetes.sim.AppProcess;
import io.github.roleprobe.kubernetes.sim.CallerIdentityApp;
import io.github.roleprobe.kubernetes.sim.HealthBody;
import io.github.roleprobe.kubernetes.sim.NativeSidecarPod;
import io.github.roleprobe.kubernetes.sim.NativeSidecarPod.Observation;
import io.github.roleprobe.kubernetes.sim.NativeSidecarPod.ProbeKind;
import io.github.roleprobe.kubernetes.sim.NativeSidecarPod.Template;
import io.github.roleprobe.kubernetes.sim.Scale;
import io.github.roleprobe.kubernetes.sim.SidecarImage;
import io.github.roleprobe.kubernetes.sim.Timeline;
import io.github.roleprobe.testkit.EksPodSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * role-probe as a native sidecar (samples/kubernetes/sidecar/overlays/pod-identity) in the kubelet model of
 * {@link NativeSidecarPod}: the packaged sidecar jar ({@link SidecarImage}) with the overlay's args, env and probes, and
 * the app container ({@link CallerIdentityApp}: it resolves credentials once through the AWS SDK's default chain at
 * start, as any SDK client built at start-up, and prints the caller ARN), in the testkit's simulated EKS world.
 * Everything the sidecar and the app print or serve is scanned for the simulator's secrets.
 */
class SidecarProbeLoopSimulationTest {

    static final Path OVERLAY = Path.of("sidecar/overlays/pod-identity");
    /** Scenarios a and b: the probe-loop tests' scale (default 1/5: the 1 s startup period probes every 200 ms). */
    static final Scale SCALE = Scale.fromSystemProperty();
    /**
     * Scenario c waits out the overlay's startup failureThreshold x periodSeconds (an hour) twice: 1/360, an hour in
     * 10 s, a startup probe every 2.8 ms.
     */
    static final Scale HOUR_SCALE = new Scale(360);
    static final Duration ASSOCIATION_CONSISTENT_AFTER = Duration.ofSeconds(5);
    /** The verifier's timestamp and the kubelet's clock on a loaded machine. */
    static final long CLOCK_SLACK_MS = 100;

    static String roleArn(Rendered r) {
        return r.association().orElseThrow().path("spec").path("roleARN").asString();
    }

    /**
     * a. The association becomes effective 5 s after the pod was admitted with Pod Identity env (the agent refuses
     * until then; the overlay's IMDS hardening leaves no other credentials): the sidecar holds the app container until
     * it reported VERIFIED, the app then gets the pod's role on its first resolution, and the pod becomes Ready.
     */
    @Test
    void associationConsistentAfter5sTheAppStartsOnlyAfterVerifiedGetsThePodRoleAndThePodBecomesReady() {
        try (Run run = new Run("sidecar-consistent-after-5s", SCALE)) {
            String role = roleArn(run.rendered);
            run.startWorld(EksPodSimulator.builder().podIdentity(role).associationConsistentAfter(ASSOCIATION_CONSISTENT_AFTER));
            long consistentAt = run.firstEvent("EKS world started") + ASSOCIATION_CONSISTENT_AFTER.toMillis();
            NativeSidecarPod pod = run.createPod("orders-1", Injection.POD_IDENTITY, UnaryOperator.identity());

            assertThat(NativeSidecarPod.await(pod::ready, Duration.ofSeconds(90))).as(run::report).isTrue();

            long verifiedAt = run.verifiedAt();
            long sidecarStartedAt = run.firstEvent(NativeSidecarPod.SIDECAR + " container 0 started (startup probe succeeded)");
            long appStartingAt = run.firstEvent(NativeSidecarPod.APP + " container 0 starting");
            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(verifiedAt).as("VERIFIED seen in the sidecar's answers").isPositive();
            soft.assertThat(verifiedAt).as("never VERIFIED before the association was effective")
                    .isGreaterThanOrEqualTo(consistentAt - CLOCK_SLACK_MS);
            soft.assertThat(appStartingAt).as("the app container starts after the sidecar's startup probe passed")
                    .isGreaterThanOrEqualTo(sidecarStartedAt);
            soft.assertThat(appStartingAt).as("the app container starts after the sidecar reported VERIFIED")
                    .isGreaterThanOrEqualTo(verifiedAt - CLOCK_SLACK_MS);
            assertTheStartupProbePassedOnlyOnVerified(soft, run);
            soft.assertThat(run.observations(NativeSidecarPod.SIDECAR, ProbeKind.STARTUP))
                    .as("the startup probe held the app while the agent refused").anySatisfy(o -> {
                        assertThat(o.success()).isFalse();
                        assertThat(o.status()).isEqualTo(503);
                    });
            soft.assertThat(run.callers(pod)).as("what the app container printed").singleElement().asString()
                    .startsWith(EksPodSimulator.assumedRoleArn(role) + "eks-");
            soft.assertThat(pod.firstReadyAt()).as("Ready after the app container started").isGreaterThan(appStartingAt);
            soft.assertThat(pod.restarts(NativeSidecarPod.SIDECAR)).as("sidecar restarts").isZero();
            soft.assertThat(pod.instances(NativeSidecarPod.APP)).as("app containers created").isEqualTo(1);
            run.assertNoSecrets(soft);
            soft.assertAll();
            System.out.printf("[sidecar consistent-after-5s] consistent at %d ms, VERIFIED at %d ms, sidecar started at"
                    + " %d ms, app container starting at %d ms, Ready at %d ms (scale %s)%n%s", consistentAt, verifiedAt,
                    sidecarStartedAt, appStartingAt, pod.firstReadyAt(), SCALE, run.timeline);
        }
    }

    /**
     * b. The node-role window: Pod Identity env injected, the agent refusing, and IMDS serving the node role to a pod
     * without the overlay's hardening ({@code AWS_EC2_METADATA_DISABLED} removed from both containers). The sidecar
     * sees the node role ({@code WRONG_IDENTITY/NODE_ROLE}) and holds the app; once the association works, the app's
     * first and only resolution gets the pod's role. A control run of the same app started directly inside the window
     * (no sidecar gate) prints the node role.
     */
    @Test
    void theNodeRoleWindowNeverReachesTheAppWhileADirectStartInsideItGetsTheNodeRole() {
        try (Run run = new Run("sidecar-node-role-window", SCALE)) {
            String role = roleArn(run.rendered);
            run.startWorld(EksPodSimulator.builder().podIdentity(role).associationConsistentAfter(Duration.ofHours(1)));
            AtomicBoolean sawNodeRole = new AtomicBoolean();
            run.listeners.add(o -> {
                if (NativeSidecarPod.SIDECAR.equals(o.container())
                        && "WRONG_IDENTITY/NODE_ROLE".equals(HealthBody.fullState(o.body()))) {
                    sawNodeRole.set(true);
                }
            });
            UnaryOperator<Map<String, String>> unhardened = env -> {
                Map<String, String> e = new LinkedHashMap<>(env);
                assertThat(e.remove("AWS_EC2_METADATA_DISABLED")).isEqualTo("true");
                return e;
            };
            NativeSidecarPod pod = run.createPod("orders-1", Injection.POD_IDENTITY, unhardened);
            assertThat(NativeSidecarPod.await(sawNodeRole::get, Duration.ofSeconds(60))).as(run::report).isTrue();
            run.timeline.record("world", "node-role window: the sidecar sees the node role");

            // Control: the same app container, same env, started directly inside the window.
            Map<String, String> controlEnv = Admission.admit(unhardened.apply(run.rendered.appEnv()), run.world,
                    Injection.POD_IDENTITY);
            String controlCaller;
            try (AppProcess control = AppProcess.start(List.of(AppProcess.java(), "-cp",
                    System.getProperty("java.class.path"), CallerIdentityApp.class.getName(),
                    run.logDir.resolve("control.port").toString()), controlEnv, run.logDir.resolve("control.log"))) {
                run.extraLogs.add(run.logDir.resolve("control.log"));
                assertThat(NativeSidecarPod.await(() -> !callers(control.log()).isEmpty() || !control.process().isAlive(),
                        Duration.ofSeconds(60))).as("the control app printed its caller").isTrue();
                controlCaller = callers(control.log()).stream().findFirst().orElse("(none: " + read(control.log()) + ")");
            }
            assertThat(controlCaller).as("control run without the sidecar gate").isEqualTo(run.world.nodeRoleCallerArn());
            assertThat(pod.instances(NativeSidecarPod.APP)).as("no app container inside the window").isZero();

            run.world.makeAssociationConsistent();
            long consistentAt = run.timeline.record("world", "association effective");
            assertThat(NativeSidecarPod.await(pod::ready, Duration.ofSeconds(90))).as(run::report).isTrue();

            long verifiedAt = run.verifiedAt();
            long appStartingAt = run.firstEvent(NativeSidecarPod.APP + " container 0 starting");
            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(run.callers(pod)).as("what the app container printed").singleElement().asString()
                    .startsWith(EksPodSimulator.assumedRoleArn(role) + "eks-")
                    .isNotEqualTo(run.world.nodeRoleCallerArn());
            soft.assertThat(verifiedAt).isGreaterThanOrEqualTo(consistentAt - CLOCK_SLACK_MS);
            soft.assertThat(appStartingAt).as("the app container starts after VERIFIED")
                    .isGreaterThanOrEqualTo(verifiedAt - CLOCK_SLACK_MS);
            assertTheStartupProbePassedOnlyOnVerified(soft, run);
            soft.assertThat(pod.restarts(NativeSidecarPod.SIDECAR)).as("sidecar restarts").isZero();
            soft.assertThat(pod.instances(NativeSidecarPod.APP)).isEqualTo(1);
            run.assertNoSecrets(soft);
            soft.assertAll();
            System.out.printf("[sidecar node-role window] control caller %s, app caller %s, consistent at %d ms,"
                    + " VERIFIED at %d ms, app container starting at %d ms, Ready at %d ms%n%s", controlCaller,
                    run.callers(pod), consistentAt, verifiedAt, appStartingAt, pod.firstReadyAt(), run.timeline);
        }
    }

    /**
     * c. NOT_INJECTED: the webhook missed the pod (no Pod Identity env in either container). The app never starts,
     * the sidecar's liveness stays 200 (with role-probe.liveness-grace scaled like the kubelet, so a DOWN would show),
     * and the kubelet restarts the sidecar only after the overlay's startupProbe failureThreshold x periodSeconds
     * (3600 x 1 s), at once each time and with the back-off reset: one restart per simulated hour, no crash loop.
     * Observed until the second restart has started sidecar container 2.
     */
    @Test
    void notInjectedNeverStartsTheAppAndRestartsTheSidecarOncePerStartupWindowWithoutBackOff() {
        try (Run run = new Run("sidecar-not-injected", HOUR_SCALE)) {
            run.startWorld(EksPodSimulator.builder().podIdentity(roleArn(run.rendered)));
            NativeSidecarPod.Probe startup = run.template.sidecarProbe(ProbeKind.STARTUP);
            long window = (long) startup.failureThreshold() * startup.periodSeconds();
            UnaryOperator<Map<String, String>> scaledGrace = env -> {
                Map<String, String> e = new LinkedHashMap<>(env);
                e.put("ROLE_PROBE_LIVENESS_GRACE", HOUR_SCALE.of(Duration.ofSeconds(60)).toMillis() + "ms");
                return e;
            };
            NativeSidecarPod pod = run.createPod("orders-1", Injection.NONE, scaledGrace, UnaryOperator.identity());
            List<Integer> livez = new ArrayList<>();
            List<String> readyz = new ArrayList<>();
            long[] nextSample = {0};
            boolean twice = NativeSidecarPod.await(() -> {
                if (System.nanoTime() >= nextSample[0]) { // an operator's curl every 100 ms, not a kubelet probe
                    nextSample[0] = System.nanoTime() + 100_000_000L;
                    pod.sidecarGet("/livez", Duration.ofSeconds(2)).ifPresent(r -> {
                        livez.add(r.statusCode());
                        run.served.add(r.body());
                    });
                    pod.sidecarGet("/readyz", Duration.ofSeconds(2)).ifPresent(r -> {
                        readyz.add(r.statusCode() + " " + HealthBody.state(r.body()));
                        run.served.add(r.body());
                    });
                }
                return pod.instances(NativeSidecarPod.SIDECAR) >= 3; // the second restart done: container 2 created
            }, Duration.ofSeconds(240));
            assertThat(twice).as(run::report).isTrue();
            long[] killedAt = {run.firstEvent(NativeSidecarPod.SIDECAR + " container 0 killed"),
                run.firstEvent(NativeSidecarPod.SIDECAR + " container 1 killed")};
            long[] startedAt = {run.firstEvent("pod created"), run.firstEvent(NativeSidecarPod.SIDECAR + " container 1 starting")};
            Duration[] simulatedLife = {simulated(killedAt[0] - startedAt[0]), simulated(killedAt[1] - startedAt[1])};

            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(pod.restarts(NativeSidecarPod.SIDECAR)).as("sidecar restarts until observed twice").isEqualTo(2);
            soft.assertThat(pod.restartCauses(NativeSidecarPod.SIDECAR)).as("restart causes")
                    .containsOnly("startup probe failed " + startup.failureThreshold() + " times");
            for (int i = 0; i < 2; i++) {
                int instance = i;
                soft.assertThat(run.observations(NativeSidecarPod.SIDECAR, ProbeKind.STARTUP).stream()
                        .filter(o -> o.instance() == instance).toList())
                        .as("startup probes of sidecar container %d: failureThreshold, all failed", i)
                        .hasSize(startup.failureThreshold()).noneMatch(Observation::success);
                soft.assertThat(simulatedLife[i]).as("simulated life of sidecar container %d", i)
                        .isGreaterThanOrEqualTo(Duration.ofSeconds(window - startup.periodSeconds()));
            }
            soft.assertThat(pod.backOffsWaited(NativeSidecarPod.SIDECAR)).as("crash back-off before each restart")
                    .containsExactly(Duration.ZERO, Duration.ZERO);
            soft.assertThat(pod.backOff(NativeSidecarPod.SIDECAR)).as("the kubelet's back-off reset after an hour-long life")
                    .contains(Duration.ofSeconds(10));
            soft.assertThat(run.firstEvent("restarting failed container")).as("no back-off wait").isEqualTo(-1);
            soft.assertThat(pod.instances(NativeSidecarPod.APP)).as("app containers created").isZero();
            soft.assertThat(pod.firstReadyAt()).as("never Ready").isEqualTo(-1);
            soft.assertThat(run.observations(NativeSidecarPod.SIDECAR, ProbeKind.LIVENESS)).as("no kubelet liveness"
                    + " probe before the startup probe passed").isEmpty();
            soft.assertThat(livez).as("/livez of the running sidecar").hasSizeGreaterThanOrEqualTo(10).containsOnly(200);
            soft.assertThat(readyz).as("/readyz of the running sidecar, after its first attempt").isNotEmpty()
                    .filteredOn(s -> !s.endsWith("PENDING")).isNotEmpty().containsOnly("503 NOT_INJECTED");
            soft.assertThat(run.observations(NativeSidecarPod.SIDECAR, ProbeKind.STARTUP).stream()
                    .map(o -> HealthBody.state(o.body())).filter(s -> !s.isEmpty()).distinct().toList())
                    .as("states in the startup probe answers").contains("NOT_INJECTED").isSubsetOf("PENDING", "NOT_INJECTED");
            run.assertNoSecrets(soft);
            soft.assertAll();
            System.out.printf("[sidecar not-injected] scale %s: sidecar restarts %d (causes %s) in %.0f simulated s;"
                    + " simulated lives %d s and %d s (window %d s); /livez sampled %d times%n%s", HOUR_SCALE,
                    pod.restarts(NativeSidecarPod.SIDECAR), pod.restartCauses(NativeSidecarPod.SIDECAR),
                    simulated(killedAt[1] - startedAt[0]).toMillis() / 1000.0, simulatedLife[0].toSeconds(),
                    simulatedLife[1].toSeconds(), window, livez.size(), run.timeline);
        }
    }

    /** The kubelet started the app only on a /startupz 200, and /startupz answered 200 only with VERIFIED. */
    static void assertTheStartupProbePassedOnlyOnVerified(SoftAssertions soft, Run run) {
        soft.assertThat(run.observations(NativeSidecarPod.SIDECAR, ProbeKind.STARTUP).stream().filter(Observation::success))
                .as("successful startup answers").isNotEmpty()
                .allSatisfy(o -> assertThat(HealthBody.state(o.body())).isEqualTo("VERIFIED"));
        soft.assertThat(run.observations(NativeSidecarPod.SIDECAR, null).stream().filter(o -> o.status() != 0))
                .as("the overlay's probe paths are the sidecar's endpoints").isNotEmpty()
                .allSatisfy(o -> assertThat(o.status()).as("%s answered %s", o.kind(), o.body()).isIn(200, 503));
    }

    static Duration simulated(long realMillis) {
        return Duration.ofMillis(Math.round(realMillis * HOUR_SCALE.factor()));
    }

    /**
     * @param log an app container's log
     * @return the caller ARNs it printed
     */
    static List<String> callers(Path log) {
        return read(log).lines().filter(l -> l.startsWith(CallerIdentityApp.CALLER))
                .map(l -> l.substring(CallerIdentityApp.CALLER.length()).strip()).toList();
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One scenario: the rendered overlay, the world, a timeline, the pod and every probe answer. */
    static final class Run implements AutoCloseable {
        final Rendered rendered = Rendered.of(OVERLAY);
        final Template template = Template.of(rendered);
        final Scale scale;
        final Timeline timeline = new Timeline();
        final Path logDir;
        final Queue<Observation> observations = new ConcurrentLinkedQueue<>();
        final List<java.util.function.Consumer<Observation>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** Answers read outside the kubelet's probes, for the secret scan. */
        final Queue<String> served = new ConcurrentLinkedQueue<>();
        final List<Path> extraLogs = new ArrayList<>();
        EksPodSimulator world;
        NativeSidecarPod pod;

        Run(String name, Scale scale) {
            this.scale = scale;
            this.logDir = Kit.dir().resolve("target/kubelet-sim/sidecar/" + name);
            try {
                Files.createDirectories(logDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void startWorld(EksPodSimulator.Builder builder) {
            timeline.record("world", "EKS world started");
            world = builder.region(rendered.appEnv().get("AWS_REGION")).start();
        }

        NativeSidecarPod createPod(String name, Injection injection, UnaryOperator<Map<String, String>> change) {
            return createPod(name, injection, change, change);
        }

        /** A pod from the template, both containers admitted by the webhook with {@code injection}. */
        NativeSidecarPod createPod(String name, Injection injection, UnaryOperator<Map<String, String>> sidecarChange,
                UnaryOperator<Map<String, String>> appChange) {
            Map<String, String> sidecarEnv = Admission.admit(sidecarChange.apply(template.sidecarEnv()), world, injection);
            Map<String, String> appEnv = Admission.admit(appChange.apply(template.appEnv()), world, injection);
            timeline.record(name, "admitted; webhook injected " + injection + " into both containers");
            pod = new NativeSidecarPod(name, template, SidecarImage.fromBuild(), sidecarEnv, appEnv, scale, timeline,
                    logDir, o -> {
                        observations.add(o);
                        listeners.forEach(l -> l.accept(o));
                    });
            return pod.start();
        }

        /**
         * @param container a container
         * @param kind      a probe kind, null for all
         * @return its probe answers so far
         */
        List<Observation> observations(String container, ProbeKind kind) {
            return observations.stream().filter(o -> o.container().equals(container) && (kind == null || o.kind() == kind))
                    .toList();
        }

        long firstEvent(String event) {
            return timeline.events().stream().filter(e -> e.what().contains(event)).mapToLong(Timeline.Event::atMillis)
                    .findFirst().orElse(-1);
        }

        /** @return timeline time of VERIFIED: the verifier's own stateSince in the sidecar's first VERIFIED answer */
        long verifiedAt() {
            return observations(NativeSidecarPod.SIDECAR, null).stream()
                    .filter(o -> "VERIFIED".equals(HealthBody.state(o.body())))
                    .map(o -> HealthBody.field(o.body(), "stateSince").map(n -> n.asString("")).orElse(""))
                    .filter(s -> !s.isEmpty()).mapToLong(s -> timeline.millis(Instant.parse(s))).findFirst().orElse(-1);
        }

        /** @return the caller ARNs the pod's app containers printed */
        List<String> callers(NativeSidecarPod p) {
            List<String> all = new ArrayList<>();
            for (int i = 0; i < p.instances(NativeSidecarPod.APP); i++) {
                all.addAll(SidecarProbeLoopSimulationTest.callers(logOf(NativeSidecarPod.APP, i)));
            }
            return all;
        }

        Path logOf(String container, int index) {
            return logDir.resolve(pod.name() + "-" + container + "-" + index + ".log");
        }

        /** No secret the simulator issued appears in any container's output or any answer. */
        void assertNoSecrets(SoftAssertions soft) {
            List<String> everything = new ArrayList<>(served);
            observations.forEach(o -> everything.add(o.body()));
            for (String c : List.of(NativeSidecarPod.SIDECAR, NativeSidecarPod.APP)) {
                for (int i = 0; i < pod.instances(c); i++) {
                    everything.add(read(logOf(c, i)));
                }
            }
            extraLogs.forEach(l -> everything.add(read(l)));
            Optional.ofNullable(world.podIdentityTokenFile()).map(SidecarProbeLoopSimulationTest::read)
                    .filter(t -> !t.isBlank()).ifPresent(token -> soft.assertThat(everything)
                            .as("output and answers contain the Pod Identity token").noneMatch(t -> t.contains(token.strip())));
            for (String secret : world.issuedSecrets()) {
                soft.assertThat(everything).as("output and answers contain an issued secret")
                        .noneMatch(t -> t.contains(secret));
            }
        }

        String report() {
            return "timeline (scale " + scale + "):\n" + timeline + (pod == null ? "" : pod.logs());
        }

        @Override
        public void close() {
            if (pod != null) {
                pod.close();
            }
            if (world != null) {
                world.close();
            }
            try {
                Files.writeString(logDir.resolve("timeline.txt"), timeline.toString());
                StringBuilder b = new StringBuilder();
                Stream.of(observations.toArray(Observation[]::new)).forEach(o -> b.append(String.format(
                        "%8.3fs  %-10s %-9s c%d  %-5s HTTP %3d  %s%n", o.atMillis() / 1000.0, o.container(), o.kind(),
                        o.instance(), o.success() ? "ok" : "fail", o.status(), HealthBody.fullState(o.body()))));
                Files.writeString(logDir.resolve("observations.txt"), b.toString());
            } catch (IOException ignored) {
                // a report only
            }
        }
    }
}
