package io.github.roleprobe.sidecar;

import io.github.roleprobe.testkit.EksPodSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged sidecar jar as a child process, with the JVM flags of {@code sidecar/jvm.flags} (the Dockerfile's) and
 * the environment of a testkit {@link EksPodSimulator}; its standard output and error go to files. Every wait is
 * bounded. Not thread-safe.
 */
final class SidecarProcess implements AutoCloseable {

    static final Duration BOUND = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final List<String> served = new ArrayList<>();
    private int port = -1;

    private SidecarProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** @return the packaged jar, as failsafe passes it */
    static Path jar() {
        return Path.of(System.getProperty("sidecar.jar", "target/role-probe-sidecar-0.1.0-SNAPSHOT.jar"));
    }

    /** @return the JVM flags file the Dockerfile uses */
    static Path jvmFlags() {
        return Path.of(System.getProperty("sidecar.jvmFlags", "jvm.flags"));
    }

    /**
     * @param sim the simulated pod whose environment the child gets
     * @param extraEnv more variables (ROLE_PROBE_*), added after the simulator's
     * @param dir where the output files go
     * @param args the sidecar's arguments
     * @return the running process
     */
    static SidecarProcess start(EksPodSimulator sim, Map<String, String> extraEnv, Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + jvmFlags().toAbsolutePath(), "-jar", jar().toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("ROLE_PROBE_") || k.startsWith("JAVA_TOOL_OPTIONS"));
        sim.applyEnvironment(pb.environment());
        pb.environment().putAll(extraEnv);
        try {
            Path out = Files.createTempFile(dir, "sidecar", ".out");
            Path err = Files.createTempFile(dir, "sidecar", ".err");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            return new SidecarProcess(pb.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the process */
    Process process() {
        return process;
    }

    /**
     * @return the exit code, waiting at most {@link #BOUND}
     * @throws AssertionError when it does not exit in time
     */
    int exitCode() throws InterruptedException {
        if (!process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("the sidecar did not exit within " + BOUND + "; stderr: " + stderr());
        }
        return process.exitValue();
    }

    /** @return everything written to standard output so far */
    String stdout() {
        return read(stdout);
    }

    /** @return everything written to standard error so far */
    String stderr() {
        return read(stderr);
    }

    /** @return every response body served to {@link #get(String)} */
    List<String> served() {
        return served;
    }

    /**
     * Waits until {@code condition} holds for standard output or error (both, concatenated), at most {@link #BOUND}.
     *
     * @param condition on the output
     * @param what for the error
     */
    void awaitOutput(Predicate<String> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.test(stdout() + stderr())) {
            if (!process.isAlive() && !condition.test(stdout() + stderr())) {
                throw new AssertionError("the sidecar exited (" + process.exitValue() + ") before " + what
                        + "; stdout: " + stdout() + " stderr: " + stderr());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + BOUND + "; stdout: " + stdout() + " stderr: " + stderr());
            }
            Thread.sleep(20);
        }
    }

    /** @return the port {@code serve} printed, waiting for the line */
    int port() throws InterruptedException {
        if (port < 0) {
            awaitOutput(o -> o.contains(ServeCommand.LISTENING), "listening line");
            Matcher m = Pattern.compile(Pattern.quote(ServeCommand.LISTENING) + "\\S+:(\\d+)").matcher(stdout());
            if (!m.find()) {
                throw new AssertionError("no port in " + stdout());
            }
            port = Integer.parseInt(m.group(1));
        }
        return port;
    }

    /**
     * @param path for example {@code /readyz}
     * @return the answer of the running {@code serve}
     */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        served.add(r.body());
        return r;
    }

    /**
     * Polls {@code path} until its status is {@code status}, at most {@link #BOUND}.
     *
     * @return the answer with that status
     */
    HttpResponse<String> awaitStatus(String path, int status) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (true) {
            HttpResponse<String> r = get(path);
            if (r.statusCode() == status) {
                return r;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(path + " never answered " + status + "; last: " + r.statusCode() + " " + r.body());
            }
            Thread.sleep(50);
        }
    }

    /**
     * Polls {@code path} until its answer satisfies {@code condition}, at most {@link #BOUND}.
     *
     * @param condition on the answer (status and body)
     * @param what for the error
     * @return the first answer that satisfies it
     */
    HttpResponse<String> awaitAnswer(String path, Predicate<HttpResponse<String>> condition, String what)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (true) {
            HttpResponse<String> r = get(path);
            if (condition.test(r)) {
                return r;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(path + " never answered " + what + " within " + BOUND + "; last: "
                        + r.statusCode() + " " + r.body());
            }
            Thread.sleep(50);
        }
    }

    /** Sends SIGTERM. */
    void sigterm() {
        process.destroy();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
