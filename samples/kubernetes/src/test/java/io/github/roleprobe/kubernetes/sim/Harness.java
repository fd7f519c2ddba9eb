package io.github.roleprobe.kubernetes.sim;

import io.github.roleprobe.kubernetes.manifest.Kit;
import io.github.roleprobe.kubernetes.manifest.Rendered;
import io.github.roleprobe.testkit.EksPodSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One simulation run: a rendered overlay, the simulated EKS world, a timeline, the pods created and
 * every probe answer. Closing it deletes every pod (kills every container) and stops the world.
 */
public final class Harness implements AutoCloseable {

    private final Rendered rendered;
    private final SampleApp app;
    private final Scale scale;
    private final Timeline timeline = new Timeline();
    private final Path logDir;
    private final List<SimulatedPod> pods = new ArrayList<>();
    private final List<SimulatedPod.Observation> observations = new CopyOnWriteArrayList<>();
    private final List<Consumer<SimulatedPod.Observation>> listeners = new CopyOnWriteArrayList<>();
    private EksPodSimulator world;

    /**
     * @param rendered the overlay
     * @param app      the sample it deploys
     * @param scale    kubelet time scale
     * @param name     the run's name, for the log directory
     */
    public Harness(Rendered rendered, SampleApp app, Scale scale, String name) {
        this.rendered = rendered;
        this.app = app;
        this.scale = scale;
        this.logDir = Kit.dir().resolve("target/kubelet-sim/" + app.name() + "/" + name);
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return a world builder in the manifest's region */
    public EksPodSimulator.Builder worldBuilder() {
        return EksPodSimulator.builder().region(rendered.appEnv().getOrDefault("AWS_REGION", "us-east-1"));
    }

    /**
     * Starts the world; the timeline's zero is (just before) this moment.
     *
     * @param builder the world
     * @return the running world
     */
    public EksPodSimulator startWorld(EksPodSimulator.Builder builder) {
        timeline.record("world", "EKS world started");
        world = builder.start();
        return world;
    }

    /** @return the world */
    public EksPodSimulator world() {
        return world;
    }

    /** @return the timeline */
    public Timeline timeline() {
        return timeline;
    }

    /** @return the kubelet time scale */
    public Scale scale() {
        return scale;
    }

    /** @return the rendered overlay */
    public Rendered rendered() {
        return rendered;
    }

    /** @return the container spec from the rendered Deployment */
    public SimulatedPod.ContainerSpec containerSpec() {
        return new SimulatedPod.ContainerSpec(rendered.startupProbe(), rendered.livenessProbe(), rendered.readinessProbe(),
                rendered.readinessProbe().port(), rendered.deployment().path("spec").path("template").path("spec")
                        .path("terminationGracePeriodSeconds").asInt(30));
    }

    /**
     * role-probe's liveness grace, scaled like the kubelet: the manifests keep the library default (60 s).
     *
     * @return JVM settings for the app
     */
    public Map<String, String> scaledRoleProbeSettings() {
        return Map.of("role-probe.liveness-grace", scale.of(Duration.ofSeconds(60)).toMillis() + "ms");
    }

    /** @param listener sees every probe answer, on kubelet threads */
    public void onProbe(Consumer<SimulatedPod.Observation> listener) {
        listeners.add(listener);
    }

    /**
     * Creates a pod: a new admission.
     *
     * @param name             pod name
     * @param containerEnv     the container env (the manifest's, possibly changed by the scenario)
     * @param injection        what the webhook injects
     * @param systemProperties JVM settings
     * @return the started pod
     */
    public SimulatedPod createPod(String name, Map<String, String> containerEnv, Admission.Injection injection,
            Map<String, String> systemProperties) {
        Map<String, String> env = Admission.admit(containerEnv, world, injection);
        timeline.record(name, "admitted; webhook injected " + injection);
        SimulatedPod pod = new SimulatedPod(name, app, containerSpec(), env, systemProperties, scale, timeline, logDir,
                o -> {
                    observations.add(o);
                    listeners.forEach(l -> l.accept(o));
                });
        synchronized (pods) {
            pods.add(pod);
        }
        return pod.start();
    }

    /** @return every probe answer so far */
    public List<SimulatedPod.Observation> observations() {
        return List.copyOf(observations);
    }

    /**
     * @param kind a probe kind
     * @return the answers of that probe
     */
    public List<SimulatedPod.Observation> observations(ProbeKind kind) {
        return observations.stream().filter(o -> o.kind() == kind).toList();
    }

    /**
     * @param event a substring of an event
     * @return timeline time of the first such event, -1 if none
     */
    public long firstEvent(String event) {
        return timeline.events().stream().filter(e -> e.what().contains(event)).mapToLong(Timeline.Event::atMillis)
                .findFirst().orElse(-1);
    }

    /**
     * @return timeline time at which role-probe reported VERIFIED (its stateSince, the verifier's own
     *     timestamp), read from the details of the first successful readiness answer; -1 if not seen
     */
    public long verifiedAt() {
        return observations(ProbeKind.READINESS).stream()
                .filter(o -> o.success() && "VERIFIED".equals(HealthBody.state(o.details())))
                .map(o -> HealthBody.field(o.details(), "stateSince").map(n -> n.asString("")).orElse(""))
                .filter(s -> !s.isEmpty())
                .mapToLong(s -> timeline.millis(Instant.parse(s)))
                .findFirst().orElse(-1);
    }

    /** @return the timeline and the pods' logs, for a failure message */
    public String report() {
        StringBuilder b = new StringBuilder("timeline (scale ").append(scale).append("):\n").append(timeline);
        synchronized (pods) {
            for (SimulatedPod p : pods) {
                b.append(p.logs());
            }
        }
        return b.toString();
    }

    /** Deletes every pod and stops the world. */
    @Override
    public void close() {
        synchronized (pods) {
            pods.forEach(SimulatedPod::close);
        }
        if (world != null) {
            world.close();
        }
        try {
            Files.writeString(logDir.resolve("timeline.txt"), timeline.toString());
            StringBuilder b = new StringBuilder();
            for (SimulatedPod.Observation o : observations) {
                b.append(String.format("%8.3fs  %-9s c%d  HTTP %3d  %s  since %s  lastCheck %s%n", o.atMillis() / 1000.0,
                        o.kind(), o.container(), o.status(), HealthBody.fullState(o.details()),
                        HealthBody.field(o.details(), "stateSince").map(n -> n.asString("")).orElse("-"),
                        HealthBody.field(o.details(), "lastCheck").map(n -> n.asString("")).orElse("-")));
            }
            Files.writeString(logDir.resolve("observations.txt"), b.toString());
        } catch (IOException ignored) {
            // a report only
        }
    }
}
