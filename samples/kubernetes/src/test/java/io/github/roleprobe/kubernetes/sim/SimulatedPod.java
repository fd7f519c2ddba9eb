package io.github.roleprobe.kubernetes.sim;

import io.github.roleprobe.kubernetes.manifest.ProbeSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One pod with one container (the sample app), driven by a model of the kubelet's probe loop
 * (pkg/kubelet/prober/worker.go and the container restart back-off), time-scaled by {@link Scale}:
 * <ul>
 *   <li>The probes (startup, liveness, readiness) as {@link ProbeWorker} runs them: periods, initial delays,
 *       thresholds counted anew per container, liveness and readiness after the startup probe's success. A probe
 *       is an HTTP GET of {@code path} on the container's port with {@code timeoutSeconds}; 200..399 is success,
 *       anything else (a status, a timeout, a refused connection) failure. Readiness starts as failure in each
 *       new container.</li>
 *   <li>Startup or liveness failure: the container is killed (SIGTERM, SIGKILL after the termination
 *       grace) and started again <em>with the same env</em>: a new JVM, not a new admission. The first
 *       restart is immediate, then the back-off waits 10 s, 20 s, ... up to 300 s. A container that
 *       exits by itself is restarted the same way.</li>
 *   <li>The pod is Ready while its container's readiness result is success.</li>
 * </ul>
 * A new pod (a new admission, possibly with new env) is a new {@code SimulatedPod}.
 */
public final class SimulatedPod implements AutoCloseable {

    /**
     * One probe's outcome, for observers.
     *
     * @param kind       which probe
     * @param container  the container's restart count
     * @param status     HTTP status, 0 when nothing answered
     * @param body       the response body, empty when nothing answered
     * @param atMillis   timeline time of the answer
     * @param details    role-probe's details as the app showed them right after this answer: the body
     *                   itself when the probe answer carries them, else the answer of the app's
     *                   {@link SampleApp#detailsPath()} (empty when that did not answer)
     */
    public record Observation(ProbeKind kind, int container, int status, String body, long atMillis, String details) {
        /** @return whether the kubelet counts it as success */
        public boolean success() {
            return status >= 200 && status < 400;
        }

        Observation withDetails(String d) {
            return new Observation(kind, container, status, body, atMillis, d);
        }
    }

    /**
     * The manifest's container as the kubelet sees it.
     *
     * @param startup   startup probe
     * @param liveness  liveness probe
     * @param readiness readiness probe
     * @param containerPort the container port the probes use (mapped to a loopback port)
     * @param terminationGraceSeconds the pod's terminationGracePeriodSeconds
     */
    public record ContainerSpec(ProbeSpec startup, ProbeSpec liveness, ProbeSpec readiness, int containerPort,
            int terminationGraceSeconds) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(300);

    private final String name;
    private final SampleApp app;
    private final ContainerSpec spec;
    private final Map<String, String> env;
    private final Map<String, String> systemProperties;
    private final Scale scale;
    private final Timeline timeline;
    private final Path logDir;
    private final Consumer<Observation> observer;
    private final Object lock = new Object();
    private final ExecutorService kubelet = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kubelet-sim");
        t.setDaemon(true);
        return t;
    });
    private final List<ContainerInstance> containers = new ArrayList<>();
    private final AtomicInteger probes = new AtomicInteger();

    private volatile ContainerInstance current;
    private volatile boolean closed;
    private volatile boolean ready;
    private volatile long firstReadyAt = -1;
    /** The observer has seen the readiness answer that made the pod Ready the first time. */
    private volatile boolean firstReadyObserved;
    private Duration backoff;
    private final List<String> restartCauses = new ArrayList<>();

    /**
     * @param name             pod name, for the timeline and logs
     * @param app              the sample app (the container image)
     * @param spec             the container's probes and port from the rendered manifest
     * @param env              the env from the pod's admission
     * @param systemProperties test-only JVM settings (the scaled liveness grace)
     * @param scale            time scale of the kubelet
     * @param timeline         where events go
     * @param logDir           where container logs go
     * @param observer         sees every probe answer (on kubelet threads); must not block
     */
    public SimulatedPod(String name, SampleApp app, ContainerSpec spec, Map<String, String> env,
            Map<String, String> systemProperties, Scale scale, Timeline timeline, Path logDir,
            Consumer<Observation> observer) {
        if (spec.containerPort() != app.containerPort()) {
            throw new AssertionError("the manifest's probes use container port " + spec.containerPort() + ", but the "
                    + app.name() + " sample listens on " + app.containerPort());
        }
        this.name = name;
        this.app = app;
        this.spec = spec;
        this.env = Map.copyOf(env);
        this.systemProperties = Map.copyOf(systemProperties);
        this.scale = scale;
        this.timeline = timeline;
        this.logDir = logDir;
        this.observer = observer;
    }

    /**
     * Creates the container and starts the probe workers.
     *
     * @return this pod
     */
    public SimulatedPod start() {
        synchronized (lock) {
            timeline.record(name, "pod created; container 0 starting");
            current = newContainer(0);
            containers.add(current);
            watchExit(current);
        }
        worker(ProbeKind.STARTUP, spec.startup());
        worker(ProbeKind.LIVENESS, spec.liveness());
        worker(ProbeKind.READINESS, spec.readiness());
        return this;
    }

    /** Starts container instance {@code index}: a new process of the sample app with the admitted env. */
    private ContainerInstance newContainer(int index) {
        Path portFile = logDir.resolve(name + "-container-" + index + ".port");
        try {
            Files.deleteIfExists(portFile); // an earlier run's
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AppProcess process = AppProcess.start(app.command(portFile, systemProperties), env,
                logDir.resolve(name + "-container-" + index + ".log"));
        return new ContainerInstance(index, process, () -> AppProcess.portFrom(portFile), false);
    }

    private void worker(ProbeKind kind, ProbeSpec probe) {
        if (probe.tcpSocket()) {
            throw new AssertionError("the sample apps' " + kind + " probe is not an httpGet probe: " + probe);
        }
        ProbeWorker w = new ProbeWorker(kind, probe, scale);
        kubelet.execute(() -> w.run(() -> closed, () -> doProbe(w),
                e -> timeline.record(name, kind + " worker error: " + e)));
    }

    private void doProbe(ProbeWorker w) {
        ContainerInstance c = current;
        if (!w.due(c)) {
            return;
        }
        Observation o = httpGet(w.kind(), c, w.probe());
        probes.incrementAndGet();
        try {
            w.count(o.success()).ifPresent(result -> decide(w, c, o, result));
        } finally {
            // After the kubelet's decision, so that reading the details never delays it.
            observer.accept(withDetails(o, c, w.probe()));
            if (w.kind() == ProbeKind.READINESS && firstReadyAt >= 0) {
                firstReadyObserved = true;
            }
        }
    }

    private void decide(ProbeWorker w, ContainerInstance c, Observation o, boolean result) {
        int threshold = w.probe().failureThreshold();
        switch (w.kind()) {
            case STARTUP -> {
                if (result) {
                    c.started = true;
                    timeline.record(name, "container " + c.index + " started (startup probe succeeded)");
                } else {
                    w.hold();
                    restart(c, "startup probe failed " + threshold + " times");
                }
            }
            case LIVENESS -> {
                if (!result) {
                    w.hold();
                    restart(c, "liveness probe failed " + threshold + " times: HTTP " + o.status());
                }
            }
            case READINESS -> setReady(c, result);
            default -> throw new IllegalStateException();
        }
    }

    private Observation httpGet(ProbeKind kind, ContainerInstance c, ProbeSpec probe) {
        HttpResponse<String> r = get(c, probe.path(), Duration.ofSeconds(probe.timeoutSeconds()));
        return r == null ? new Observation(kind, c.index, 0, "", timeline.now(), "")
                : new Observation(kind, c.index, r.statusCode(), r.body(), timeline.now(), r.body());
    }

    /** Adds role-probe's details, read from the app's details path when its probe answers do not carry them. */
    private Observation withDetails(Observation o, ContainerInstance c, ProbeSpec probe) {
        if (app.detailsPath().isEmpty() || o.status() == 0) {
            return o;
        }
        HttpResponse<String> r = get(c, app.detailsPath(), Duration.ofSeconds(probe.timeoutSeconds()));
        return o.withDetails(r == null ? "" : r.body());
    }

    /** @return the response, or null when nothing answered in time (or nothing listens yet, as a refused connection) */
    private HttpResponse<String> get(ContainerInstance c, String path, Duration timeout) {
        int port = c.hostPort();
        if (port == 0) {
            return null;
        }
        URI uri = URI.create("http://127.0.0.1:" + port + path);
        try {
            return HTTP.sendAsync(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).get(timeout.toMillis() + 200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    private void setReady(ContainerInstance c, boolean result) {
        synchronized (lock) {
            if (current != c) {
                return;
            }
            c.readinessSuccess = result;
            if (result != ready) {
                ready = result;
                long at = timeline.record(name, result ? "Ready" : "NotReady (readiness probe failed)");
                if (result && firstReadyAt < 0) {
                    firstReadyAt = at;
                }
            }
        }
    }

    private void restart(ContainerInstance c, String cause) {
        synchronized (lock) {
            if (current != c || closed) {
                return;
            }
            c.killed = true;
            current = null;
            if (ready) {
                ready = false;
                timeline.record(name, "NotReady (container stopping)");
            }
            restartCauses.add(cause);
            timeline.record(name, "container " + c.index + " killed: " + cause);
        }
        kubelet.execute(() -> {
            c.process.stop(scale.seconds(spec.terminationGraceSeconds()));
            Duration wait;
            synchronized (lock) {
                // kubelet: no back-off before the first restart, then 10 s doubling up to 300 s
                wait = backoff == null ? Duration.ZERO : backoff;
                backoff = backoff == null ? FIRST_BACKOFF : min(backoff.multipliedBy(2), MAX_BACKOFF);
            }
            Duration scaled = scale.of(wait);
            if (!scaled.isZero()) {
                timeline.record(name, "back-off " + wait.toSeconds() + " s (scaled " + scaled.toMillis() + " ms)");
            }
            try {
                Thread.sleep(scaled.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            synchronized (lock) {
                if (closed) {
                    return;
                }
                int index = containers.size();
                timeline.record(name, "container " + index + " starting (restart " + index + ", same pod, same env)");
                ContainerInstance next = newContainer(index);
                containers.add(next);
                current = next;
                watchExit(next);
            }
        });
    }

    private void watchExit(ContainerInstance c) {
        c.process.process().onExit().thenRun(() -> {
            if (!c.killed && !closed) {
                restart(c, "container exited with code " + c.process.process().exitValue());
            }
        });
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** @return the pod's name */
    public String name() {
        return name;
    }

    /** @return whether the pod is Ready now */
    public boolean ready() {
        return ready;
    }

    /** @return timeline time of the first Ready, -1 if never */
    public long firstReadyAt() {
        return firstReadyAt;
    }

    /** @return container restarts so far */
    public int restarts() {
        synchronized (lock) {
            return restartCauses.size();
        }
    }

    /** @return why each restart happened */
    public List<String> restartCauses() {
        synchronized (lock) {
            return List.copyOf(restartCauses);
        }
    }

    /** @return probes run so far */
    public int probes() {
        return probes.get();
    }

    /** @return the env the pod was admitted with */
    public Map<String, String> env() {
        return env;
    }

    /**
     * @param timeout the longest wait
     * @return whether the pod became Ready in time
     */
    public boolean awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready && System.nanoTime() < deadline) {
            sleepQuietly(20);
        }
        if (!ready) {
            return false;
        }
        // The kubelet decided before the observer saw the answer (and its details): wait for that, bounded.
        long observedDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(spec.readiness().timeoutSeconds() + 2L);
        while (!firstReadyObserved && System.nanoTime() < observedDeadline) {
            sleepQuietly(10);
        }
        return true;
    }

    /** @return the logs of every container, for failure messages */
    public String logs() {
        StringBuilder b = new StringBuilder();
        synchronized (lock) {
            for (ContainerInstance c : containers) {
                b.append("--- ").append(c.process.log().getFileName()).append('\n');
                try {
                    List<String> lines = java.nio.file.Files.readAllLines(c.process.log());
                    lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> b.append(l).append('\n'));
                } catch (java.io.IOException e) {
                    b.append(e).append('\n');
                }
            }
        }
        return b.toString();
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Deletes the pod: stops the workers and kills the container (grace 5 s, not scaled). */
    @Override
    public void close() {
        ContainerInstance c;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            c = current;
            current = null;
            ready = false;
        }
        kubelet.shutdownNow();
        List<ContainerInstance> all;
        synchronized (lock) {
            all = List.copyOf(containers);
        }
        for (ContainerInstance x : all) {
            x.killed = true;
            x.process.stop(Duration.ofSeconds(5));
        }
        if (c != null) {
            timeline.record(name, "pod deleted");
        }
    }
}
