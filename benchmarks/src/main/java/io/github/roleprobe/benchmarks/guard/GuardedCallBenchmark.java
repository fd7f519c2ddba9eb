package io.github.roleprobe.benchmarks.guard;

import com.sun.net.httpserver.HttpServer;
import io.github.roleprobe.benchmarks.sim.VirtualClock;
import io.github.roleprobe.benchmarks.sim.VirtualScheduler;
import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.credentials.ApplicationCredentials;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.guard.RequestGuard;
import io.github.roleprobe.guard.RequestIdentity;
import io.github.roleprobe.guard.ServiceCounters;
import io.github.roleprobe.verify.IdentityVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
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

    private static final String ROLE = RequestGuardBenchmark.ROLE;
    private static final byte[] ANSWER = ("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
            + "<GetCallerIdentityResult>"
            + "<Arn>arn:aws:sts::111122223333:assumed-role/orders/eks-demo-orders-bench</Arn>"
            + "<UserId>AROAEXAMPLEROLEID0001:eks-demo-orders-bench</UserId>"
            + "<Account>111122223333</Account>"
            + "</GetCallerIdentityResult>"
            + "<ResponseMetadata><RequestId>7f1a8c2e-0d3b-4c5e-9a6f-1b2c3d4e5f60</RequestId></ResponseMetadata>"
            + "</GetCallerIdentityResponse>").getBytes(StandardCharsets.UTF_8);

    /** {@code on}: a verified verifier with an active guard; {@code off}: no verifier. */
    @Param({"on", "off"})
    public String guard;

    private HttpServer server;
    private IdentityVerifier verifier;
    private StsClient client;
    private long calls;
    private long measuredCallsStart;
    private long cpuStart;
    private final List<String> cpuPerCall = new ArrayList<>();

    /** Starts the server, the verifier (guard on) and the client, and makes the client's first call. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            exchange.getResponseHeaders().set("Content-Type", "text/xml");
            exchange.sendResponseHeaders(200, ANSWER.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(ANSWER);
            }
        });
        server.start();
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        AwsSessionCredentials credentials = AwsSessionCredentials.builder()
                .accessKeyId("ASIAEXAMPLEBENCH0001").secretAccessKey("bench-secret-key-not-a-real-one")
                .sessionToken("bench-session-token").providerName(RequestGuardBenchmark.CONTAINER_PROVIDER).build();
        if ("on".equals(guard)) {
            RoleProbeConfig config = RoleProbeConfig.builder().roleArns(List.of(ROLE)).region("us-east-1")
                    .stsEndpoint(endpoint.toString()).build();
            VirtualScheduler scheduler = new VirtualScheduler(new VirtualClock(Instant.now()));
            verifier = IdentityVerifier.builder()
                    .config(config)
                    .environment(PodEnvironment.of(RequestGuardBenchmark.POD_IDENTITY_ENV))
                    .credentials(ApplicationCredentials.of(StaticCredentialsProvider.create(credentials)))
                    .scheduler(scheduler.newView())
                    .build()
                    .start();
            scheduler.runUntil(0);
            if (!verifier.ready()) {
                throw new IllegalStateException("benchmark set-up failed to verify: " + verifier.snapshot());
            }
        } else if (!"off".equals(guard)) {
            throw new IllegalArgumentException("guard must be on or off: " + guard);
        }
        client = StsClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(endpoint)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .build();
        call();
        if (verifier != null) {
            List<Map<String, Object>> clients = verifier.guard().orElseThrow().clientDetails();
            if (clients.size() != 1 || !"expected".equals(clients.get(0).get("identity"))
                    || verifier.snapshot().stsCalls() != 1 || !verifier.ready()) {
                throw new IllegalStateException("client not settled as expected: " + clients + " " + verifier.snapshot());
            }
        }
    }

    /** Notes the process CPU time before each measurement iteration. */
    @Setup(Level.Iteration)
    public void iterationStart() {
        measuredCallsStart = calls;
        cpuStart = processCpuNanos();
    }

    /** Records the process CPU time per call of the iteration. */
    @TearDown(Level.Iteration)
    public void iterationEnd() {
        long n = calls - measuredCallsStart;
        if (n > 0) {
            cpuPerCall.add(String.format(Locale.ROOT, "%.2f", (processCpuNanos() - cpuStart) / 1000.0 / n));
        }
    }

    /** Prints the CPU time per call of each iteration and checks the guard saw every call; closes everything. */
    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println("cpu-per-call-us guard=" + guard + " (warm-up iterations first): "
                + String.join(" ", cpuPerCall));
        if (verifier != null) {
            RequestGuard g = verifier.guard().orElseThrow();
            long expected = g.services().stream().mapToLong(c -> c.count(RequestIdentity.EXPECTED, false)).sum();
            long other = 0;
            for (ServiceCounters c : g.services()) {
                for (RequestIdentity id : RequestIdentity.values()) {
                    other += id == RequestIdentity.EXPECTED ? 0 : c.count(id, false) + c.count(id, true);
                }
            }
            System.out.println("guard counted " + expected + " expected requests of " + calls + " calls, " + other
                    + " others");
            if (expected != calls || other != 0) {
                throw new IllegalStateException("the guard did not see every call as expected");
            }
            verifier.close();
        }
        client.close();
        server.stop(0);
    }

    /** @return the answer */
    @Benchmark
    public GetCallerIdentityResponse getCallerIdentity() {
        return call();
    }

    private GetCallerIdentityResponse call() {
        calls++;
        return client.getCallerIdentity();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
