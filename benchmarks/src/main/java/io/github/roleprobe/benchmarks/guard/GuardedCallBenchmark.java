package io.github.roleprobe.benchmarks.guard;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * Issue 10, target 2: a real SDK call with the request guard versus without. An application {@code StsClient}
 * (url-connection-client, static session credentials named by the container provider, the SDK's default retry
 * and timeouts) calls {@code GetCallerIdentity} on a loopback JDK {@code HttpServer} in the same JVM that answers
 * every request with the same valid STS XML body (no signature check: the server's cost is small and constant).
 *
 * <ul>
 *   <li>{@code guard=on}: a verifier ({@code role-probe.guard.mode=observe}, the default) VERIFIED through the same
 *       server with the same key before measuring, and the client's key settled as the expected role by one call,
 *       so every measured request takes the guard's hot path (checked at the end: the guard counted them all as
 *       {@code expected}).</li>
 *   <li>{@code guard=off}: no verifier in the JVM (core's interceptor is still in every client: one volatile read).</li>
 * </ul>
 *
 * <p>Each side runs in its own JMH invocation, alternated ABBA by {@code benchmarks/scripts/guard-call.sh}. Per
 * measurement iteration it also prints the process's CPU time per call ({@code cpu-per-call-us}), which includes the
 * server's work and is less sensitive to the machine's load than wall time.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar GuardedCallBenchmark -p guard=on}
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-Dsun.net.httpserver.nodelay=true"})
public class GuardedCallBenchmark {

    /** {@code on}: a verified verifier with an active guard; {@code off}: no verifier. */
    @Param({"on", "off"})
    public String guard;

    private GuardedCallFixture fixture;
    private long measuredCallsStart;
    private long cpuStart;
    private final List<String> cpuPerCall = new ArrayList<>();

    /** Starts the server, the verifier (guard on) and the client, and makes the client's first call. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        if (!"on".equals(guard) && !"off".equals(guard)) {
            throw new IllegalArgumentException("guard must be on or off: " + guard);
        }
        fixture = new GuardedCallFixture("on".equals(guard));
    }

    /** Notes the process CPU time before each measurement iteration. */
    @Setup(Level.Iteration)
    public void iterationStart() {
        measuredCallsStart = fixture.calls();
        cpuStart = processCpuNanos();
    }

    /** Records the process CPU time per call of the iteration. */
    @TearDown(Level.Iteration)
    public void iterationEnd() {
        long n = fixture.calls() - measuredCallsStart;
        if (n > 0) {
            cpuPerCall.add(String.format(Locale.ROOT, "%.2f", (processCpuNanos() - cpuStart) / 1000.0 / n));
        }
    }

    /** Prints the CPU time per call of each iteration and checks the guard saw every call; closes everything. */
    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println("cpu-per-call-us guard=" + guard + " (warm-up iterations first): "
                + String.join(" ", cpuPerCall));
        if ("on".equals(guard)) {
            System.out.println(fixture.checkGuardSaw(fixture.calls()));
        }
        fixture.close();
    }

    /** @return the answer */
    @Benchmark
    public GetCallerIdentityResponse getCallerIdentity() {
        return fixture.call();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
