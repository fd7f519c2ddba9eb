package io.github.roleprobe.kubernetes.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM: a simulated container's process. Starts with a clean environment (nothing
 * {@code AWS_*}, {@code KUBERNETES_SERVICE_*}, {@code ROLE_PROBE_*} or JVM option variables inherited
 * from the test JVM) plus exactly the given one. Every process still running when the test JVM exits
 * is killed by a shutdown hook; tests stop theirs in {@code finally}/{@code close}.
 */
public final class AppProcess implements AutoCloseable {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "role-probe-kit-kill-children"));
    }

    private final Process process;
    private final Path log;

    private AppProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * @param command the command line
     * @param env     the whole environment the container gets (besides PATH, HOME and the like)
     * @param log     where stdout and stderr go
     * @return the running process
     */
    public static AppProcess start(List<String> command, Map<String, String> env, Path log) {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("KUBERNETES_SERVICE_")
                || k.startsWith("ROLE_PROBE_") || k.startsWith("ROLEPROBE_") || k.startsWith("SAMPLE_")
                || k.startsWith("MICRONAUT_") || k.startsWith("SPRING_")
                || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS") || k.equals("_JAVA_OPTIONS"));
        e.putAll(env);
        try {
            Process p = pb.start();
            LIVE.add(p);
            p.onExit().thenRun(() -> LIVE.remove(p));
            return new AppProcess(p, log);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot start " + command, ex);
        }
    }

    /** @return the java binary of the running JDK */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The port a sample app wrote to its {@code sample.port-file} once it listened on the port 0 it was given (the
     * kernel picks a free port as it binds; a port picked here and bound later by the child could be taken in
     * between).
     *
     * @param portFile the file
     * @return the port, 0 while the file is missing or still empty (Spring Boot creates it, then writes it)
     */
    public static int portFrom(Path portFile) {
        try {
            String text = Files.readString(portFile).strip();
            return text.matches("[1-9][0-9]{0,4}") ? Integer.parseInt(text) : 0;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the process */
    public Process process() {
        return process;
    }

    /** @return the log file */
    public Path log() {
        return log;
    }

    /**
     * Stops as the kubelet does: SIGTERM, then SIGKILL after the grace period.
     *
     * @param grace the termination grace period
     */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @param timeout how long to wait
     * @return the exit code
     * @throws AssertionError if it did not exit in time (it is then killed)
     */
    public int await(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                stop(Duration.ZERO);
                throw new AssertionError("process did not exit within " + timeout + ": " + log);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            stop(Duration.ZERO);
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }
}
