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
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Measures the sidecar jar (run by hand, not a test; docs/performance.md, "Sidecar footprint"): the packaged jar with
 * the flags of {@code sidecar/jvm.flags} plus each named variant's flags as a child process in a testkit simulated Pod
 * Identity pod. Each run is one {@code serve} process, timed from the harness's {@code ProcessBuilder.start()}:
 * <ul>
 *   <li>first probe answer (any HTTP answer of {@code /readyz}, polled every 2 ms) and {@code VERIFIED}
 *       ({@code /readyz} 200);</li>
 *   <li>RSS ({@code VmRSS} of {@code /proc/<pid>/status}, with its anonymous and file-backed parts) 2 s after
 *       {@code VERIFIED} ("after start");</li>
 *   <li>then a simulated hour of steady state in the same process ({@code --refresh-interval 50ms --max-age 1s} for
 *       {@code seconds}, default 60: 1,200 credential re-resolutions and about 60 STS renewals where an hour has 60 and
 *       3; a key rotation by the agent every 5 s, credentials of 4 minutes' lifetime, inside the SDK's prefetch window;
 *       and the kubelet's and Prometheus's requests of an hour, readiness, liveness and metrics), after which: RSS,
 *       peak RSS ({@code VmHWM}), CPU time of the simulated hour ({@code utime + stime} of {@code /proc/<pid>/stat})
 *       and thread count.</li>
 * </ul>
 * Each variant gets its own AppCDS archive made the way {@code sidecar/Dockerfile} makes it (one {@code check} with
 * the variant's flags, AWS's documented example key, a closed local STS port, no simulator): dynamic
 * ({@code -XX:ArchiveClassesAtExit}, the default), {@code appcds=static} ({@code -XX:DumpLoadedClassList}, then
 * {@code -Xshare:dump}: one archive instead of the JDK's) or {@code appcds=none}.
 *
 * <pre>
 * ./mvnw -q -o -pl sidecar -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/test.classpath
 * cd sidecar &amp;&amp; java -cp target/test-classes:$(cat target/test.classpath) io.github.roleprobe.sidecar.SidecarFootprint \
 *     3 60 'jvm.flags|' '-Xmx16m|-Xmx16m' 'no AppCDS|appcds=none' 'glibc arenas|env:MALLOC_ARENA_MAX=2'
 * </pre>
 * Arguments: runs per variant (default 3), steady-state seconds (default 60), then variants {@code name|tokens}
 * (default: {@code jvm.flags|}, the file alone): tokens separated by spaces, each a JVM flag appended after
 * {@code @jvm.flags} (a later flag wins), {@code env:NAME=VALUE} (an environment variable for the sidecar and its
 * archiving run) or {@code appcds=dynamic|static|none}. System properties {@code sidecar.jar} and {@code sidecar.jvmFlags} as for the ITs (defaults relative to
 * {@code sidecar/}). Prints Markdown: one line per run, then one table row per variant.
 */
public final class SidecarFootprint {

    static final String ROLE = "arn:aws:iam::111122223333:role/orders";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private SidecarFootprint() {
    }

    /** Which AppCDS archive a variant runs with, each made at "image build" time the way the Dockerfile would. */
    enum AppCds {
        /** {@code -XX:ArchiveClassesAtExit} on top of the JDK's default CDS archive (sidecar/Dockerfile). */
        DYNAMIC,
        /** One static archive of exactly the classes the check loaded ({@code -XX:DumpLoadedClassList}, then
         *  {@code -Xshare:dump}), used instead of the JDK's default archive. */
        STATIC,
        /** None: the JDK's default CDS archive only (unless a flag says otherwise). */
        NONE
    }

    /** A named variant: JVM flags after {@code @jvm.flags}, environment, and its AppCDS archive. */
    record Variant(String name, List<String> flags, Map<String, String> env, AppCds appCds) {

        static Variant parse(String spec) {
            int eq = spec.indexOf('|');
            if (eq < 1) {
                throw new IllegalArgumentException("variant '" + spec + "': expected name|tokens, e.g. 'small heap|-Xmx16m -Xmn2m'");
            }
            List<String> flags = new ArrayList<>();
            Map<String, String> env = new LinkedHashMap<>();
            AppCds appCds = AppCds.DYNAMIC;
            for (String t : spec.substring(eq + 1).trim().split("\\s+")) {
                if (t.isEmpty()) {
                    continue;
                }
                if (t.startsWith("appcds=")) {
                    appCds = AppCds.valueOf(t.substring("appcds=".length()).toUpperCase(java.util.Locale.ROOT));
                } else if (t.startsWith("env:") && t.indexOf('=') > 4) {
                    env.put(t.substring(4, t.indexOf('=')), t.substring(t.indexOf('=') + 1));
                } else if (t.startsWith("-")) {
                    flags.add(t);
                } else {
                    throw new IllegalArgumentException("variant '" + spec + "': token '" + t
                            + "' is neither a JVM flag (-...), env:NAME=VALUE nor appcds=dynamic|static|none");
                }
            }
            return new Variant(spec.substring(0, eq), flags, env, appCds);
        }
    }

    record Run(long firstAnswerMs, long verifiedMs, long startCpuMs, long rssStartKib, long anonStartKib,
            long fileStartKib, long rssHourKib, long anonHourKib, long fileHourKib, long peakKib, long hourCpuMs,
            long threads, long probes, long notReady, String loadAverage) {
    }

    /**
     * @param args runs per variant, steady-state seconds, variants ({@code name|tokens})
     */
    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        List<Variant> variants = new ArrayList<>();
        for (String spec : args.length > 2 ? Arrays.asList(args).subList(2, args.length) : List.of("jvm.flags|")) {
            variants.add(Variant.parse(spec));
        }
        Path dir = Files.createTempDirectory("sidecar-footprint");
        List<String> rows = new ArrayList<>();
        try (EksPodSimulator sim = EksPodSimulator.builder().podIdentity(ROLE).imds(ImdsMode.ABSENT)
                .credentialsLifetime(Duration.ofMinutes(4)).start()) {
            for (Variant v : variants) {
                List<String> flags = new ArrayList<>(v.flags());
                String archive = "";
                if (v.appCds() != AppCds.NONE) {
                    Path jsa = dir.resolve(v.name().replaceAll("[^A-Za-z0-9]+", "_") + ".jsa");
                    archive(dir, v, jsa);
                    archive = " (" + Files.size(jsa) / (1024 * 1024) + " MiB)";
                    flags.add("-XX:SharedArchiveFile=" + jsa);
                }
                List<Run> all = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    Run r = run(sim, dir, seconds, flags, v.env());
                    all.add(r);
                    System.out.println("- " + v.name() + " run " + (i + 1) + ": " + r);
                    System.out.flush();
                }
                rows.add(row(v, archive, all));
            }
        }
        System.out.println();
        System.out.println("Load average (1, 5, 15 min) at the end: " + loadAverage());
        System.out.println();
        System.out.println("| variant | extra flags | first probe answer (median / max) | VERIFIED (median / max)"
                + " | CPU to VERIFIED + 2 s | RSS after start (median, min–max; anon + file) | RSS after the simulated"
                + " hour (median, min–max; anon + file) | peak RSS (max) | CPU over the simulated hour (median) | threads"
                + " | readiness probes (not 200) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    private static Run run(EksPodSimulator sim, Path dir, int seconds, List<String> flags, Map<String, String> env)
            throws Exception {
        int port = freePort();
        String load = loadAverage();
        long t0 = System.nanoTime();
        Process p = start(sim, dir, flags, env, "serve", "--port", Integer.toString(port), "--address", "127.0.0.1",
                "--refresh-interval", "50ms", "--max-age", "1s");
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
                    throw new IllegalStateException("not verified within 60 s; stderr: "
                            + Files.readString(dir.resolve("err.log")));
                }
                Thread.sleep(2);
            }
            Thread.sleep(2000);
            long pid = p.pid();
            long rssStart = kib(pid, "VmRSS:");
            long anonStart = kib(pid, "RssAnon:");
            long fileStart = kib(pid, "RssFile:") + kib(pid, "RssShmem:");
            long cpuStart = cpuMs(pid);
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
            long cpuEnd = cpuMs(pid);
            return new Run(first / 1_000_000, verified / 1_000_000, cpuStart, rssStart, anonStart, fileStart,
                    kib(pid, "VmRSS:"), kib(pid, "RssAnon:"), kib(pid, "RssFile:") + kib(pid, "RssShmem:"),
                    kib(pid, "VmHWM:"), cpuEnd - cpuStart, kib(pid, "Threads:"), tick, notReady, load);
        } finally {
            stop(p);
        }
    }

    /**
     * Makes the variant's AppCDS archive the way sidecar/Dockerfile does: one {@code check} (no simulator: AWS's
     * documented example key, a closed local STS port) with {@code -XX:ArchiveClassesAtExit}, or for a static archive
     * with {@code -XX:DumpLoadedClassList} and then {@code -Xshare:dump} of that list.
     */
    private static void archive(Path dir, Variant v, Path jsa) throws Exception {
        Path classList = dir.resolve(jsa.getFileName() + ".classlist");
        List<String> flags = new ArrayList<>(v.flags());
        flags.add(v.appCds() == AppCds.STATIC ? "-XX:DumpLoadedClassList=" + classList : "-XX:ArchiveClassesAtExit=" + jsa);
        ProcessBuilder pb = command(flags, "check", "--timeout", "10s", "--sts-endpoint", "http://127.0.0.1:9");
        pb.environment().putAll(Map.of("ROLE_PROBE_ROLE_ARNS", ROLE, "AWS_REGION", "us-east-1",
                "AWS_EC2_METADATA_DISABLED", "true", "AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE",
                "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
        pb.environment().putAll(v.env());
        pb.redirectOutput(dir.resolve("archive.out").toFile()).redirectError(dir.resolve("archive.err").toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the archiving check did not end within 60 s");
        }
        if (v.appCds() == AppCds.STATIC) {
            List<String> dump = new ArrayList<>(v.flags());
            dump.addAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + classList, "-XX:SharedArchiveFile=" + jsa));
            ProcessBuilder d = command(dump);
            d.environment().putAll(v.env());
            d.redirectOutput(dir.resolve("dump.out").toFile()).redirectError(dir.resolve("dump.err").toFile());
            Process q = d.start();
            if (!q.waitFor(120, TimeUnit.SECONDS) || q.exitValue() != 0) {
                q.destroyForcibly();
                throw new IllegalStateException("-Xshare:dump failed; stdout: " + Files.readString(dir.resolve("dump.out")));
            }
        }
        if (!Files.exists(jsa) || Files.size(jsa) == 0) {
            throw new IllegalStateException("no AppCDS archive " + jsa + "; stderr: " + Files.readString(dir.resolve("archive.err")));
        }
    }

    static Process start(EksPodSimulator sim, Path dir, List<String> flags, Map<String, String> env, String... args)
            throws IOException {
        ProcessBuilder pb = command(flags, args);
        sim.applyEnvironment(pb.environment());
        pb.environment().putAll(Map.of("ROLE_PROBE_ROLE_ARNS", ROLE, "AWS_EC2_METADATA_DISABLED", "true"));
        pb.environment().putAll(env);
        pb.redirectOutput(dir.resolve("out.log").toFile()).redirectError(dir.resolve("err.log").toFile());
        return pb.start();
    }

    private static ProcessBuilder command(List<String> flags, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + SidecarProcess.jvmFlags().toAbsolutePath()));
        command.addAll(flags);
        command.addAll(List.of("-jar", SidecarProcess.jar().toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("ROLE_PROBE_") || k.startsWith("AWS_")
                || k.startsWith("JAVA_TOOL_OPTIONS") || k.startsWith("JDK_JAVA_OPTIONS") || k.startsWith("MALLOC_"));
        return pb;
    }

    /** @return the 1, 5 and 15 minute load averages of /proc/loadavg */
    private static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
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

    /** @return utime + stime of the process in ms (fields 14 and 15 of /proc/pid/stat, after the command name) */
    static long cpuMs(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // f[0] is field 3 (state): utime is field 14, stime field 15
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / CLOCK_TICKS_PER_SECOND;
    }

    /** @return the number of a /proc/pid/status line ("kB" dropped) */
    static long kib(long pid, String key) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (l.startsWith(key)) {
                return Long.parseLong(l.substring(key.length()).replace("kB", "").strip());
            }
        }
        throw new IllegalStateException(key + " not in /proc/" + pid + "/status");
    }

    private static String row(Variant v, String archive, List<Run> runs) {
        String extra = String.join(" ", v.flags()) + (v.env().isEmpty() ? "" : " " + v.env()) + (switch (v.appCds()) {
            case DYNAMIC -> " + dynamic AppCDS" + archive;
            case STATIC -> " + static AppCDS" + archive + " instead of the JDK's";
            case NONE -> " (no AppCDS)";
        });
        return "| " + v.name() + " | " + extra.strip() + " | " + median(runs, Run::firstAnswerMs) + " / "
                + max(runs, Run::firstAnswerMs) + " ms | " + median(runs, Run::verifiedMs) + " / "
                + max(runs, Run::verifiedMs) + " ms | " + median(runs, Run::startCpuMs) + " ms | "
                + mib(runs, Run::rssStartKib) + " (" + mib1(median(runs, Run::anonStartKib)) + " + "
                + mib1(median(runs, Run::fileStartKib)) + ") | " + mib(runs, Run::rssHourKib) + " ("
                + mib1(median(runs, Run::anonHourKib)) + " + " + mib1(median(runs, Run::fileHourKib)) + ") | "
                + mib1(max(runs, Run::peakKib)) + " MiB | " + median(runs, Run::hourCpuMs) + " ms | "
                + median(runs, Run::threads) + " | " + median(runs, Run::probes) + " (" + max(runs, Run::notReady) + ") |";
    }

    private static String mib(List<Run> runs, ToLongFunction<Run> f) {
        return mib1(median(runs, f)) + " MiB, " + mib1(min(runs, f)) + "–" + mib1(max(runs, f));
    }

    private static String mib1(long kib) {
        return String.format(java.util.Locale.ROOT, "%.1f", kib / 1024.0);
    }

    private static long median(List<Run> s, ToLongFunction<Run> f) {
        List<Long> v = new ArrayList<>(s.stream().map(f::applyAsLong).toList());
        Collections.sort(v);
        return v.get(v.size() / 2);
    }

    private static long min(List<Run> s, ToLongFunction<Run> f) {
        return s.stream().mapToLong(f).min().orElseThrow();
    }

    private static long max(List<Run> s, ToLongFunction<Run> f) {
        return s.stream().mapToLong(f).max().orElseThrow();
    }
}
