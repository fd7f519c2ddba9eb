package io.github.roleprobe.sidecar;

import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.testkit.ImdsMode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Measures the sidecar jar (run manually, not a test; docs/performance.md, "Sidecar footprint"): the packaged jar with
 * the flags of {@code sidecar/jvm.flags} as a child process in a testkit simulated Pod Identity pod, each start from
 * the harness's {@code ProcessBuilder.start()}:
 * <ul>
 *   <li>time to the first probe answer (any HTTP answer of {@code /readyz}, polled every 2 ms) and to
 *       {@code VERIFIED} ({@code /readyz} 200), over several starts, without and with an AppCDS archive made the way
 *       the Dockerfile makes it;</li>
 *   <li>RSS ({@code VmRSS} of {@code /proc/<pid>/status}) 2 s after {@code VERIFIED}, and after a simulated hour of
 *       steady state: {@code --refresh-interval 50ms --max-age 1s} for {@code seconds} (default 60), i.e. 1,200 credential
 *       re-resolutions and about 60 STS renewals where an hour has 60 and 3, a key rotation by the agent every 5 s
 *       (credentials of 4 minutes' lifetime, inside the SDK's prefetch window: re-fetched on every resolution), and the
 *       kubelet's and Prometheus's hour of requests (1,800 readiness, 360 liveness, 240 metrics scrapes).</li>
 * </ul>
 *
 * <pre>
 * ./mvnw -pl sidecar -am package -DskipTests
 * ./mvnw -pl sidecar exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.github.roleprobe.sidecar.SidecarFootprint \
 *     -Dexec.args="5 60"
 * </pre>
 * Arguments: starts per variant (default 5), steady-state seconds (default 60). Prints Markdown.
 */
public final class SidecarFootprint {

    static final String ROLE = "arn:aws:iam::111122223333:role/orders";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();

    private SidecarFootprint() {
    }

    /**
     * @param args starts per variant, steady-state seconds
     */
    public static void main(String[] args) throws Exception {
        int starts = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        Path dir = Files.createTempDirectory("sidecar-footprint");
        Path jsa = dir.resolve("role-probe.jsa");
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity(ROLE).imds(ImdsMode.ABSENT)
                .credentialsLifetime(Duration.ofMinutes(4)).start()) {
            System.out.println("| variant | first probe answer (median / max) | VERIFIED (median / max) | RSS 2 s after VERIFIED (median) |");
            System.out.println("|---|---|---|---|");
            System.out.println(row("jvm.flags", startTimes(sim, dir, starts, List.of())));
            archive(sim, dir, jsa);
            System.out.println(row("jvm.flags + AppCDS archive (" + Files.size(jsa) / (1024 * 1024) + " MiB)",
                    startTimes(sim, dir, starts, List.of("-XX:SharedArchiveFile=" + jsa))));
            System.out.println(row("jvm.flags + AppCDS archive + -Xint (interpreter only: no compiler threads or code)",
                    startTimes(sim, dir, starts, List.of("-XX:SharedArchiveFile=" + jsa, "-Xint"))));
            System.out.println();
            steadyState(sim, dir, seconds, List.of("-XX:SharedArchiveFile=" + jsa));
            steadyState(sim, dir, seconds, List.of("-XX:SharedArchiveFile=" + jsa, "-Xint"));
        }
    }

    record Start(long firstAnswerMs, long verifiedMs, long rssKib) {
    }

    private static List<Start> startTimes(EksPodSimulator sim, Path dir, int n, List<String> extraFlags) throws Exception {
        List<Start> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int port = freePort();
            long t0 = System.nanoTime();
            Process p = start(sim, dir, extraFlags, "serve", "--port", Integer.toString(port), "--address", "127.0.0.1");
            try {
                long first = -1;
                long verified;
                while (true) {
                    int status = status(port, "/readyz");
                    if (status > 0 && first < 0) {
                        first = System.nanoTime() - t0;
                    }
                    if (status == 200) {
                        verified = System.nanoTime() - t0;
                        break;
                    }
                    if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(60) || !p.isAlive()) {
                        throw new IllegalStateException("not verified within 60 s");
                    }
                    Thread.sleep(2);
                }
                Thread.sleep(2000);
                all.add(new Start(first / 1_000_000, verified / 1_000_000, rssKib(p.pid())));
            } finally {
                stop(p);
            }
        }
        return all;
    }

    private static void archive(EksPodSimulator sim, Path dir, Path jsa) throws Exception {
        Process p = start(sim, dir, List.of("-XX:ArchiveClassesAtExit=" + jsa), "check");
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("the archiving check did not verify");
        }
    }

    private static void steadyState(EksPodSimulator sim, Path dir, int seconds, List<String> extraFlags) throws Exception {
        int port = freePort();
        Process p = start(sim, dir, extraFlags, "serve", "--port", Integer.toString(port), "--address", "127.0.0.1",
                "--refresh-interval", "50ms", "--max-age", "1s");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (status(port, "/readyz") != 200) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not verified");
                }
                Thread.sleep(10);
            }
            Thread.sleep(2000);
            long atStart = rssKib(p.pid());
            long stsBefore = sim.counters().stsGetCallerIdentityCalls();
            long agentBefore = sim.counters().agentRequests();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            double scale = seconds / 3600.0;
            long readiness = Math.round(1800 * scale * 60);
            long liveness = Math.round(360 * scale * 60);
            long scrapes = Math.round(240 * scale * 60);
            long tick = 0;
            long notReady = 0;
            long periodNanos = TimeUnit.SECONDS.toNanos(seconds) / Math.max(1, readiness);
            long next = System.nanoTime();
            while (System.nanoTime() < end) {
                if (status(port, "/readyz") != 200) {
                    notReady++;
                }
                if (tick % Math.max(1, readiness / Math.max(1, liveness)) == 0) {
                    status(port, "/livez");
                }
                if (tick % Math.max(1, readiness / Math.max(1, scrapes)) == 0) {
                    status(port, "/metrics");
                }
                if (tick % Math.max(1, readiness / Math.max(1, seconds / 5)) == 0) {
                    sim.rotatePodIdentityCredentials();
                }
                tick++;
                next += periodNanos;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
            long after = rssKib(p.pid());
            String hwm = line(p.pid(), "VmHWM:");
            System.out.println("Steady state (" + String.join(" ", extraFlags).replaceAll("=\\S*/", "=") + "), " + seconds + " s standing in for an hour: RSS " + atStart / 1024
                    + " MiB after start, " + after / 1024 + " MiB after (peak " + hwm + "); " + tick
                    + " readiness probes (" + notReady + " not 200), STS GetCallerIdentity calls "
                    + (sim.counters().stsGetCallerIdentityCalls() - stsBefore) + ", agent requests "
                    + (sim.counters().agentRequests() - agentBefore) + ".");
        } finally {
            stop(p);
        }
    }

    static Process start(EksPodSimulator sim, Path dir, List<String> extraFlags, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + SidecarProcess.jvmFlags().toAbsolutePath()));
        command.addAll(extraFlags);
        command.addAll(List.of("-jar", SidecarProcess.jar().toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        sim.applyEnvironment(pb.environment());
        pb.environment().putAll(Map.of("ROLE_PROBE_ROLE_ARNS", ROLE, "AWS_EC2_METADATA_DISABLED", "true"));
        pb.redirectOutput(dir.resolve("out.log").toFile()).redirectError(dir.resolve("err.log").toFile());
        return pb.start();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    private static int status(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static long rssKib(long pid) throws IOException {
        return Long.parseLong(line(pid, "VmRSS:").replace("kB", "").strip());
    }

    static String line(long pid, String key) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (l.startsWith(key)) {
                return l.substring(key.length()).strip();
            }
        }
        throw new IllegalStateException(key + " not in /proc/" + pid + "/status");
    }

    private static String row(String variant, List<Start> starts) {
        return "| " + variant + " | " + median(starts, Start::firstAnswerMs) + " / " + max(starts, Start::firstAnswerMs)
                + " ms | " + median(starts, Start::verifiedMs) + " / " + max(starts, Start::verifiedMs) + " ms | "
                + median(starts, Start::rssKib) / 1024 + " MiB |";
    }

    private static long median(List<Start> s, java.util.function.ToLongFunction<Start> f) {
        List<Long> v = new ArrayList<>(s.stream().map(f::applyAsLong).toList());
        Collections.sort(v);
        return v.get(v.size() / 2);
    }

    private static long max(List<Start> s, java.util.function.ToLongFunction<Start> f) {
        return s.stream().mapToLong(f).max().orElseThrow();
    }
}
