package io.github.roleprobe.kubernetes.sim;

import io.github.roleprobe.kubernetes.manifest.ProbeSpec;
import io.github.roleprobe.kubernetes.manifest.Rendered;
import io.github.roleprobe.kubernetes.manifest.TcpSocketProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import tools.jackson.databind.JsonNode;

/**
 * A pod with role-probe as a native sidecar (an init container with {@code restartPolicy: Always}) and one application
 * container, driven by a model of the kubelet (Kubernetes 1.29+, SidecarContainers), time-scaled by {@link Scale}.
 * Sources, kubernetes/kubernetes:
 * <ul>
 *   <li><b>Start order</b> ({@code pkg/kubelet/kuberuntime/kuberuntime_container.go},
 *       {@code computeInitContainerActions}): the sidecar starts first; a restartable init container with a startup
 *       probe counts as initialized only once its startup result is Success, and only then are the regular
 *       containers started. Once a regular container has been created the pod stays initialized: a later sidecar
 *       restart does not stop or gate the app again.</li>
 *   <li><b>Startup or liveness failure of the sidecar</b> (same function): the kubelet kills that container alone
 *       ({@code ContainersToKill}: SIGTERM, SIGKILL after the termination grace) and starts it again
 *       ({@code InitContainersToStart}) with the pod's env (a new process, not a new admission); the app container is
 *       left running. A container that exits by itself is started again the same way (restartable init containers
 *       and, with the Deployment's {@code restartPolicy: Always}, regular containers).</li>
 *   <li><b>Crash back-off</b> ({@code kuberuntime_manager.go}, {@code doBackOff}, with client-go's
 *       {@code util/flowcontrol/backoff.go} and the kubelet's 10 s initial, 300 s maximum): per container, the start
 *       of an exited container waits while {@code now - finishedAt < backoff}, unless
 *       {@code finishedAt - lastUpdate > 2 x 300 s} (the entry "expired": the container ran stably); each start then
 *       calls {@code Next}: a missing or expired entry becomes 10 s, else it doubles up to 300 s, and
 *       {@code lastUpdate} becomes now. So the first restart is immediate, quick crashes wait 10 s, 20 s, ... 300 s,
 *       and a container that lived more than 10 minutes is restarted at once with the back-off reset to 10 s.</li>
 *   <li><b>Probes</b> ({@code pkg/kubelet/prober/worker.go}, {@code pkg/probe/http/http.go}), as in
 *       {@link SimulatedPod}, except that every httpGet probe is a new connection closed after the answer
 *       ({@code Connection: close}, as the kubelet's probe transport with {@code DisableKeepAlives}; on a kept-alive
 *       loopback connection the JDK server's two writes per answer wait out Linux's 40 ms delayed ACK, which at
 *       1/360 scale is longer than the startup period): one worker per probe and
 *       container, probing every {@code periodSeconds}; results before {@code initialDelaySeconds} ignored; a result
 *       changes after {@code successThreshold} or {@code failureThreshold} equal results in a row, counted anew per
 *       container instance; liveness and readiness wait for the startup probe's success, which ends the startup
 *       probe; readiness starts as failure. An httpGet probe succeeds with 200..399 within {@code timeoutSeconds}, a
 *       tcpSocket probe when the connection is accepted within it; a refused connection is a failure.</li>
 *   <li><b>Pod Ready</b> ({@code pkg/kubelet/status/generate.go}): every container ready, the restartable init
 *       container included: the sidecar's readiness result and the app's.</li>
 * </ul>
 * Scaled: probe periods and initial delays, back-off, termination grace. Not scaled: the processes' own work and probe
 * timeouts (see {@link Scale}). Thread-safe; observers are called on kubelet threads.
 */
public final class NativeSidecarPod implements AutoCloseable {

    /** The sidecar container's name in the kit. */
    public static final String SIDECAR = "role-probe";
    /** The application container's name in the kit. */
    public static final String APP = Rendered.APP_CONTAINER;

    /** Probe kinds. */
    public enum ProbeKind { STARTUP, LIVENESS, READINESS }

    /**
     * One probe's outcome, for observers.
     *
     * @param container {@link #SIDECAR} or {@link #APP}
     * @param kind      which probe
     * @param instance  the container's restart count when probed
     * @param success   whether the kubelet counts it as success
     * @param status    HTTP status, 0 for a tcpSocket probe or when nothing answered
     * @param body      the response body, empty when none
     * @param atMillis  timeline time of the answer
     */
    public record Observation(String container, ProbeKind kind, int instance, boolean success, int status, String body,
            long atMillis) {
    }

    /**
     * One probe of the rendered manifest.
     *
     * @param kind    which probe
     * @param path    the httpGet path, {@code null} for a tcpSocket probe
     * @param port    the container port
     * @param initialDelaySeconds seconds after the container started before results count
     * @param periodSeconds    seconds between probes
     * @param timeoutSeconds   seconds one probe may take (not scaled)
     * @param successThreshold consecutive successes that make the result success
     * @param failureThreshold consecutive failures that make the result failure
     */
    public record Probe(ProbeKind kind, String path, int port, int initialDelaySeconds, int periodSeconds,
            int timeoutSeconds, int successThreshold, int failureThreshold) {

        static Probe http(ProbeKind kind, ProbeSpec p) {
            return new Probe(kind, p.path(), p.port(), p.initialDelaySeconds(), p.periodSeconds(), p.timeoutSeconds(),
                    p.successThreshold(), p.failureThreshold());
        }

        static Probe tcp(ProbeKind kind, TcpSocketProbe p) {
            return new Probe(kind, null, p.port(), p.initialDelaySeconds(), p.periodSeconds(), p.timeoutSeconds(),
                    p.successThreshold(), p.failureThreshold());
        }
    }

    /**
     * The pod template as the kubelet reads it from the rendered Deployment.
     *
     * @param sidecarArgs   the sidecar's args, e.g. {@code [serve, --port, 9090]}
     * @param sidecarEnv    the sidecar's literal env
     * @param sidecarProbes its startup, liveness and readiness probes
     * @param appEnv        the app container's literal env
     * @param appProbes     the app container's probes (the kit's: a tcpSocket readiness probe)
     * @param terminationGraceSeconds the pod's terminationGracePeriodSeconds (Kubernetes default 30)
     */
    public record Template(List<String> sidecarArgs, Map<String, String> sidecarEnv, List<Probe> sidecarProbes,
            Map<String, String> appEnv, List<Probe> appProbes, int terminationGraceSeconds) {

        /**
         * @param r a rendered sidecar overlay
         * @return its pod template
         * @throws AssertionError if {@link #SIDECAR} is not a native sidecar with all three httpGet probes, or the app
         *     container has probes other than a tcpSocket readiness probe (not simulated)
         */
        public static Template of(Rendered r) {
            JsonNode sidecar = r.initContainer(SIDECAR);
            if (!"Always".equals(sidecar.path("restartPolicy").asString(""))) {
                throw new AssertionError(r.dir() + ": init container " + SIDECAR + " is not a native sidecar"
                        + " (restartPolicy Always)");
            }
            List<String> args = new ArrayList<>();
            sidecar.path("args").forEach(a -> args.add(a.asString()));
            JsonNode app = r.appContainer();
            for (String field : List.of("startupProbe", "livenessProbe")) {
                if (app.has(field)) {
                    throw new AssertionError(r.dir() + ": the app container's " + field + " is not simulated");
                }
            }
            JsonNode pod = r.deployment().path("spec").path("template").path("spec");
            return new Template(List.copyOf(args), Rendered.env(sidecar),
                    List.of(Probe.http(ProbeKind.STARTUP, r.probe(sidecar, "startupProbe")),
                            Probe.http(ProbeKind.LIVENESS, r.probe(sidecar, "livenessProbe")),
                            Probe.http(ProbeKind.READINESS, r.probe(sidecar, "readinessProbe"))),
                    Rendered.env(app), List.of(Probe.tcp(ProbeKind.READINESS, TcpSocketProbe.of(app, "readinessProbe"))),
                    pod.path("terminationGracePeriodSeconds").asInt(30));
        }

        /**
         * @param kind a probe kind
         * @return the sidecar's probe of that kind
         */
        public Probe sidecarProbe(ProbeKind kind) {
            return sidecarProbes.stream().filter(p -> p.kind() == kind).findFirst().orElseThrow();
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    /** The kubelet's crash back-off: {@code containerBackOffPeriod} and {@code MaxContainerBackOff}. */
    static final Duration INITIAL_BACKOFF = Duration.ofSeconds(10);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(300);

    private final String name;
    private final Template template;
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
    private final Slot sidecar;
    private final Slot app;
    private volatile boolean closed;
    private volatile boolean ready;
    private volatile long firstReadyAt = -1;

    /** One container of the pod spec across its restarts, with its back-off entry. */
    private final class Slot {
        final String container;
        final List<Probe> probes;
        final IntFunction<Instance> starter;
        final List<Instance> instances = new ArrayList<>();
        final List<String> restartCauses = new ArrayList<>();
        /** The back-off each start waited, in Kubernetes time. */
        final List<Duration> backOffsWaited = new ArrayList<>();
        volatile Instance current;
        /** flowcontrol.Backoff's entry: null until the first restart. */
        Duration backoff;
        long lastUpdateNanos;

        Slot(String container, List<Probe> probes, IntFunction<Instance> starter) {
            this.container = container;
            this.probes = probes;
            this.starter = starter;
        }

        boolean hasStartupProbe() {
            return probes.stream().anyMatch(p -> p.kind() == ProbeKind.STARTUP);
        }
    }

    /** One container instance: one process. */
    private static final class Instance {
        final int index;
        final AppProcess process;
        final PortSource port;
        final long startedNanos = System.nanoTime();
        volatile boolean started;
        volatile boolean readinessSuccess;
        volatile boolean killed;
        private volatile int hostPort;

        Instance(int index, AppProcess process, PortSource port, boolean started) {
            this.index = index;
            this.process = process;
            this.port = port;
            this.started = started;
        }

        int hostPort() {
            int p = hostPort;
            if (p == 0) {
                p = port.port();
                hostPort = p;
            }
            return p;
        }
    }

    /** Where a container's loopback port comes from once it listens; 0 until then. */
    private interface PortSource {
        int port();
    }

    /**
     * @param name      pod name, for the timeline and logs
     * @param template  the pod template from the rendered overlay
     * @param image     the sidecar's image (the packaged jar)
     * @param sidecarEnv the sidecar's env after admission
     * @param appEnv    the app container's env after admission
     * @param scale     kubelet time scale
     * @param timeline  where events go
     * @param logDir    where container logs go
     * @param observer  sees every probe answer (on kubelet threads); must not block
     */
    public NativeSidecarPod(String name, Template template, SidecarImage image, Map<String, String> sidecarEnv,
            Map<String, String> appEnv, Scale scale, Timeline timeline, Path logDir, Consumer<Observation> observer) {
        this.name = name;
        this.template = template;
        this.scale = scale;
        this.timeline = timeline;
        this.logDir = logDir;
        this.observer = observer;
        List<String> sidecarCommand = image.command(template.sidecarArgs());
        Map<String, String> sEnv = Map.copyOf(sidecarEnv);
        Map<String, String> aEnv = Map.copyOf(appEnv);
        this.sidecar = new Slot(SIDECAR, template.sidecarProbes(), index -> {
            Path log = log(SIDECAR, index);
            AppProcess p = AppProcess.start(sidecarCommand, sEnv, log);
            return new Instance(index, p, () -> SidecarImage.portFrom(log), false);
        });
        this.app = new Slot(APP, template.appProbes(), index -> {
            Path portFile = logDir.resolve(name + "-" + APP + "-" + index + ".port");
            try {
                Files.deleteIfExists(portFile); // an earlier run's
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            AppProcess p = AppProcess.start(List.of(AppProcess.java(), "-cp", System.getProperty("java.class.path"),
                    CallerIdentityApp.class.getName(), portFile.toAbsolutePath().toString()), aEnv, log(APP, index));
            // no startup probe: Started once running (prober worker.go)
            return new Instance(index, p, () -> AppProcess.portFrom(portFile), true);
        });
    }

    private Path log(String container, int index) {
        return logDir.resolve(name + "-" + container + "-" + index + ".log");
    }

    /**
     * Starts the sidecar and the probe workers; the app container follows after the sidecar's startup probe passed.
     *
     * @return this pod
     */
    public NativeSidecarPod start() {
        timeline.record(name, "pod created; " + SIDECAR + " (native sidecar) container 0 starting");
        startInstance(sidecar);
        for (Probe p : sidecar.probes) {
            worker(sidecar, p);
        }
        return this;
    }

    private void startInstance(Slot slot) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            Instance i = slot.starter.apply(slot.instances.size());
            slot.instances.add(i);
            slot.current = i;
            i.process.process().onExit().thenRun(() -> {
                if (!i.killed && !closed) {
                    kill(slot, i, "container exited with code " + i.process.process().exitValue());
                }
            });
        }
    }

    private void worker(Slot slot, Probe probe) {
        kubelet.execute(() -> {
            long period = scale.seconds(probe.periodSeconds()).toNanos();
            long next = System.nanoTime();
            WorkerState state = new WorkerState();
            while (!closed) {
                try {
                    doProbe(slot, probe, state);
                } catch (RuntimeException e) {
                    timeline.record(name, slot.container + " " + probe.kind() + " worker error: " + e);
                }
                next = Math.max(next + period, System.nanoTime());
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(sleep);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
    }

    /** A worker's memory: the last result and how many times in a row it came. */
    private static final class WorkerState {
        int instance = -1;
        Boolean lastResult;
        int resultRun;
        boolean onHold;
    }

    private void doProbe(Slot slot, Probe probe, WorkerState state) {
        Instance c = slot.current;
        if (c == null || c.killed) {
            return;
        }
        if (state.instance != c.index) { // a new container: the worker starts over
            state.instance = c.index;
            state.lastResult = null;
            state.resultRun = 0;
            state.onHold = false;
        }
        if (state.onHold) {
            return;
        }
        if (probe.kind() == ProbeKind.STARTUP ? c.started : !c.started) {
            return; // startup ends with its success; the others wait for it
        }
        if (System.nanoTime() - c.startedNanos < scale.seconds(probe.initialDelaySeconds()).toNanos()) {
            return;
        }
        Observation o = probe.path() == null ? tcp(slot, c, probe) : http(slot, c, probe);
        try {
            decide(slot, probe, state, c, o);
        } finally {
            observer.accept(o);
        }
    }

    private void decide(Slot slot, Probe probe, WorkerState state, Instance c, Observation o) {
        boolean result = o.success();
        if (state.lastResult != null && state.lastResult == result) {
            state.resultRun++;
        } else {
            state.lastResult = result;
            state.resultRun = 1;
        }
        if ((!result && state.resultRun < probe.failureThreshold())
                || (result && state.resultRun < probe.successThreshold())) {
            return; // below the threshold: keep the previous result
        }
        switch (probe.kind()) {
            case STARTUP -> {
                if (result) {
                    c.started = true;
                    timeline.record(name, slot.container + " container " + c.index + " started (startup probe succeeded)");
                    if (slot == sidecar) {
                        initialized();
                    }
                } else {
                    state.onHold = true;
                    kill(slot, c, "startup probe failed " + probe.failureThreshold() + " times");
                }
            }
            case LIVENESS -> {
                if (!result) {
                    state.onHold = true;
                    kill(slot, c, "liveness probe failed " + probe.failureThreshold() + " times: HTTP " + o.status());
                }
            }
            case READINESS -> setReady(c, result);
            default -> throw new IllegalStateException();
        }
    }

    /** The sidecar passed its startup probe: start the regular container, once in the pod's life. */
    private void initialized() {
        synchronized (lock) {
            if (closed || !app.instances.isEmpty()) {
                return; // already initialized: a sidecar restart does not start or stop the app
            }
            timeline.record(name, APP + " container 0 starting (the native sidecar has started)");
            startInstance(app);
        }
        for (Probe p : app.probes) {
            worker(app, p);
        }
    }

    private Observation http(Slot slot, Instance c, Probe probe) {
        HttpResponse<String> r = get(c.hostPort(), probe.path(), Duration.ofSeconds(probe.timeoutSeconds()));
        return r == null ? new Observation(slot.container, probe.kind(), c.index, false, 0, "", timeline.now())
                : new Observation(slot.container, probe.kind(), c.index, r.statusCode() >= 200 && r.statusCode() < 400,
                        r.statusCode(), r.body(), timeline.now());
    }

    private Observation tcp(Slot slot, Instance c, Probe probe) {
        int port = c.hostPort();
        boolean ok = false;
        if (port != 0) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), probe.timeoutSeconds() * 1000);
                ok = true;
            } catch (IOException e) {
                ok = false;
            }
        }
        return new Observation(slot.container, probe.kind(), c.index, ok, 0, "", timeline.now());
    }

    /** @return the response, or null when nothing answered in time (or nothing listens yet, as a refused connection) */
    private static HttpResponse<String> get(int port, String path, Duration timeout) {
        if (port == 0) {
            return null;
        }
        URI uri = URI.create("http://127.0.0.1:" + port + path);
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(uri).timeout(timeout).header("Connection", "close").GET().build();
        } catch (IllegalArgumentException e) {
            throw new AssertionError("the kubelet's probes close their connection (Connection: close); the JDK's"
                    + " HttpClient sends that header only with -Djdk.httpclient.allowRestrictedHeaders=connection"
                    + " (samples/kubernetes/pom.xml sets it for the tests)", e);
        }
        try {
            return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .get(timeout.toMillis() + 200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    private void setReady(Instance c, boolean result) {
        synchronized (lock) {
            c.readinessSuccess = result;
            updateReady();
        }
    }

    /** Pod Ready: every container's current instance ready. Call with the lock held. */
    private void updateReady() {
        Instance s = sidecar.current;
        Instance a = app.current;
        boolean now = !closed && s != null && !s.killed && s.readinessSuccess && a != null && !a.killed
                && a.readinessSuccess;
        if (now != ready) {
            ready = now;
            long at = timeline.record(name, now ? "Ready" : "NotReady");
            if (now && firstReadyAt < 0) {
                firstReadyAt = at;
            }
        }
    }

    private void kill(Slot slot, Instance c, String cause) {
        synchronized (lock) {
            if (slot.current != c || closed) {
                return;
            }
            c.killed = true;
            c.readinessSuccess = false;
            slot.current = null;
            updateReady();
            slot.restartCauses.add(cause);
            timeline.record(name, slot.container + " container " + c.index + " killed: " + cause);
        }
        kubelet.execute(() -> {
            c.process.stop(scale.seconds(template.terminationGraceSeconds()));
            restart(slot, System.nanoTime());
        });
    }

    /** doBackOff, then start: flowcontrol.Backoff's IsInBackOffSince and Next, keyed by the container. */
    private void restart(Slot slot, long finishedNanos) {
        long wait;
        Duration entry;
        synchronized (lock) {
            entry = slot.backoff;
            boolean inWindow = entry != null && !expired(finishedNanos, slot.lastUpdateNanos);
            wait = inWindow ? scale.of(entry).toNanos() - (System.nanoTime() - finishedNanos) : 0;
        }
        Duration waited = wait > 0 ? entry : Duration.ZERO;
        if (wait > 0) {
            timeline.record(name, slot.container + ": back-off " + entry.toSeconds() + " s restarting failed container"
                    + " (scaled " + TimeUnit.NANOSECONDS.toMillis(wait) + " ms left)");
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (slot.backoff == null || expired(finishedNanos, slot.lastUpdateNanos)) {
                slot.backoff = INITIAL_BACKOFF;
            } else {
                slot.backoff = min(slot.backoff.multipliedBy(2), MAX_BACKOFF);
            }
            slot.lastUpdateNanos = System.nanoTime();
            slot.backOffsWaited.add(waited);
            int index = slot.instances.size();
            timeline.record(name, slot.container + " container " + index + " starting (restart " + index
                    + ", same pod, same env; back-off now " + slot.backoff.toSeconds() + " s)");
            startInstance(slot);
        }
    }

    /** flowcontrol's hasExpired: the container ran more than twice the maximum back-off since the last start. */
    private boolean expired(long eventNanos, long lastUpdateNanos) {
        return eventNanos - lastUpdateNanos > scale.of(MAX_BACKOFF.multipliedBy(2)).toNanos();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private Slot slot(String container) {
        return switch (container) {
            case SIDECAR -> sidecar;
            case APP -> app;
            default -> throw new IllegalArgumentException("no container " + container);
        };
    }

    /** @return the pod's name */
    public String name() {
        return name;
    }

    /** @return the pod template */
    public Template template() {
        return template;
    }

    /** @return whether the pod is Ready now */
    public boolean ready() {
        return ready;
    }

    /** @return timeline time of the first Ready, -1 if never */
    public long firstReadyAt() {
        return firstReadyAt;
    }

    /**
     * @param container {@link #SIDECAR} or {@link #APP}
     * @return how many instances of it were created (0: never started)
     */
    public int instances(String container) {
        synchronized (lock) {
            return slot(container).instances.size();
        }
    }

    /**
     * @param container {@link #SIDECAR} or {@link #APP}
     * @return its restarts so far
     */
    public int restarts(String container) {
        synchronized (lock) {
            return slot(container).restartCauses.size();
        }
    }

    /**
     * @param container {@link #SIDECAR} or {@link #APP}
     * @return why each of its restarts happened
     */
    public List<String> restartCauses(String container) {
        synchronized (lock) {
            return List.copyOf(slot(container).restartCauses);
        }
    }

    /**
     * @param container {@link #SIDECAR} or {@link #APP}
     * @return the crash back-off each of its restarts waited (Kubernetes time; zero: restarted at once)
     */
    public List<Duration> backOffsWaited(String container) {
        synchronized (lock) {
            return List.copyOf(slot(container).backOffsWaited);
        }
    }

    /**
     * @param container {@link #SIDECAR} or {@link #APP}
     * @return the kubelet's current back-off entry for it (Kubernetes time), empty before its first restart
     */
    public Optional<Duration> backOff(String container) {
        synchronized (lock) {
            return Optional.ofNullable(slot(container).backoff);
        }
    }

    /**
     * @param container {@link #SIDECAR} or {@link #APP}
     * @param index     the instance (restart count)
     * @return that instance's output (its stdout and stderr)
     */
    public String output(String container, int index) {
        try {
            return Files.readString(log(container, index), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An HTTP GET of the sidecar's current instance, as an operator's {@code kubectl exec ... curl} would do; not a
     * kubelet probe.
     *
     * @param path    e.g. {@code /livez}
     * @param timeout the longest wait
     * @return the answer, empty when no sidecar instance listens or nothing answered in time
     */
    public Optional<HttpResponse<String>> sidecarGet(String path, Duration timeout) {
        Instance c = sidecar.current;
        if (c == null || c.killed) {
            return Optional.empty();
        }
        return Optional.ofNullable(get(c.hostPort(), path, timeout));
    }

    /**
     * @param condition what to wait for
     * @param timeout   the longest wait
     * @return whether it held in time
     */
    public static boolean await(java.util.function.BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            SimulatedPod.sleepQuietly(10);
        }
        return true;
    }

    /** @return the last 40 lines of every container instance's log, for failure messages */
    public String logs() {
        StringBuilder b = new StringBuilder();
        List<String> names = new ArrayList<>();
        synchronized (lock) {
            for (Slot s : List.of(sidecar, app)) {
                for (Instance i : s.instances) {
                    names.add(s.container + "#" + i.index);
                }
            }
        }
        for (String n : names) {
            String[] p = n.split("#");
            Path log = log(p[0], Integer.parseInt(p[1]));
            b.append("--- ").append(log.getFileName()).append('\n');
            try {
                List<String> lines = Files.readAllLines(log);
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> b.append(l).append('\n'));
            } catch (IOException e) {
                b.append(e).append('\n');
            }
        }
        return b.toString();
    }

    /** Deletes the pod: stops the workers and kills every container (grace 5 s, not scaled). */
    @Override
    public void close() {
        List<Instance> all = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            ready = false;
            all.addAll(sidecar.instances);
            all.addAll(app.instances);
        }
        kubelet.shutdownNow();
        for (Instance x : all) {
            x.killed = true;
            x.process.stop(Duration.ofSeconds(5));
        }
        timeline.record(name, "pod deleted");
    }
}
