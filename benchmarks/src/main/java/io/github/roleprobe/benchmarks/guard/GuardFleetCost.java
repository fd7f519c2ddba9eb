package io.github.roleprobe.benchmarks.guard;

import io.github.roleprobe.benchmarks.sim.ModelledPodCredentials;
import io.github.roleprobe.benchmarks.sim.SimulatedPod;
import io.github.roleprobe.benchmarks.sim.VirtualClock;
import io.github.roleprobe.benchmarks.sim.VirtualScheduler;
import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.guard.GuardMode;
import io.github.roleprobe.guard.RequestGuardInterceptor;
import io.github.roleprobe.testkit.EksPodSimulator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.SelectedAuthScheme;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.InterceptorContext;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.interceptor.SdkInternalExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthSchemeOption;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityRequest;

/**
 * Issue 10, target 3: what the request guard, on by default, costs the simulations that run thousands of verifiers in
 * one JVM ({@code FleetSimulation}: 10,000). Every verifier registers its guard in a static registry when it is built
 * (copy-on-write array: O(n) per registration, O(n²) for n verifiers) and unregisters it when closed; every STS call
 * of a verifier passes the interceptor, which reads the registry and returns at once for role-probe's own client
 * ({@code UNGUARDED}). For each n and guard mode ({@code observe}, the default, and {@code off}) this builds n
 * {@link SimulatedPod}s exactly as the simulations do (not started: no STS call), and reports the CPU time of
 * building and of closing them, the heap they hold, and the interceptor's CPU time per request of a verifier's own
 * client with all n guards active.
 *
 * <p>Run: {@code java -Xss512k -Xmx4g -cp benchmarks/target/benchmarks.jar
 * io.github.roleprobe.benchmarks.guard.GuardFleetCost 1000 10000 20000}
 */
public final class GuardFleetCost {

    private static final String ROLE = "arn:aws:iam::111122223333:role/orders";
    private static final String NODE_ROLE = "arn:aws:iam::111122223333:role/eks-node-group-role";

    private GuardFleetCost() {
    }

    /**
     * @param args the fleet sizes (default 1000 10000)
     */
    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {1_000, 10_000}
                : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.printf(Locale.ROOT, "load average before: %s%n", loadAverage());
        List<String> lines = new ArrayList<>();
        try (EksPodSimulator sim = EksPodSimulator.builder().start()) {
            // Warm up the code paths once, in both modes.
            for (GuardMode mode : new GuardMode[] {GuardMode.OBSERVE, GuardMode.OFF}) {
                run(sim, 2_000, mode);
            }
            for (int n : sizes) {
                for (GuardMode mode : new GuardMode[] {GuardMode.OBSERVE, GuardMode.OFF, GuardMode.OBSERVE, GuardMode.OFF}) {
                    lines.add(run(sim, n, mode));
                }
            }
        }
        System.out.println("| verifiers | guard | build: CPU ms (µs per verifier) | close: CPU ms | heap held MiB "
                + "(KiB per verifier) | interceptor on a verifier's own request, CPU ns (all guards active) |");
        System.out.println("|---|---|---|---|---|---|");
        lines.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
    }

    private static String run(EksPodSimulator sim, int n, GuardMode mode) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        VirtualScheduler scheduler = new VirtualScheduler(new VirtualClock(Instant.now()));
        RoleProbeConfig config = SimulatedPod.config(sim, ROLE).guardMode(mode).build();
        long heap0 = usedHeapAfterGc();
        long c0 = threads.getCurrentThreadCpuTime();
        List<SimulatedPod> pods = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            pods.add(new SimulatedPod(sim, scheduler, config,
                    new ModelledPodCredentials(sim, scheduler.clock(), ModelledPodCredentials.Delivery.POD_IDENTITY,
                            ROLE, "orders-" + i, Long.MAX_VALUE, true, NODE_ROLE,
                            String.format(Locale.ROOT, "i-%017x", i % 200)),
                    Long.MAX_VALUE, () -> 1.0, null));
        }
        long build = threads.getCurrentThreadCpuTime() - c0;
        long heap = usedHeapAfterGc() - heap0;
        double ownRequestNanos = ownRequestCpuNanos(threads);
        long c1 = threads.getCurrentThreadCpuTime();
        pods.forEach(SimulatedPod::close);
        long close = threads.getCurrentThreadCpuTime() - c1;
        String line = String.format(Locale.ROOT, "| %,d | %s | %.0f (%.1f) | %.0f | %.1f (%.2f) | %.1f |", n,
                mode.configValue(), build / 1e6, build / 1e3 / n, close / 1e6, heap / 1048576.0, heap / 1024.0 / n,
                ownRequestNanos);
        System.out.println(line);
        return line;
    }

    /** The interceptor's CPU time for a request of role-probe's own STS client (UNGUARDED), as each simulated STS call makes. */
    private static double ownRequestCpuNanos(ThreadMXBean threads) {
        RequestGuardInterceptor interceptor = new RequestGuardInterceptor();
        AwsCredentialsIdentity identity = AwsCredentialsIdentity.create("ASIAEXAMPLEOWN000001", "secret");
        Context.BeforeTransmission context = InterceptorContext.builder()
                .request(GetCallerIdentityRequest.builder().build())
                .httpRequest(SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).protocol("http").host("127.0.0.1")
                        .build())
                .build();
        ExecutionAttributes attributes = ExecutionAttributes.builder()
                .put(RequestGuardInterceptor.UNGUARDED, Boolean.TRUE)
                .put(SdkInternalExecutionAttribute.SELECTED_AUTH_SCHEME, new SelectedAuthScheme<AwsCredentialsIdentity>(
                        CompletableFuture.completedFuture(identity), AwsV4HttpSigner.create(),
                        AuthSchemeOption.builder().schemeId(AwsV4AuthScheme.SCHEME_ID).build()))
                .put(SdkExecutionAttribute.SERVICE_NAME, "Sts")
                .put(SdkExecutionAttribute.OPERATION_NAME, "GetCallerIdentity")
                .build();
        int calls = 2_000_000;
        for (int i = 0; i < calls; i++) {
            interceptor.beforeTransmission(context, attributes);
        }
        long c0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < calls; i++) {
            interceptor.beforeTransmission(context, attributes);
        }
        return (threads.getCurrentThreadCpuTime() - c0) / (double) calls;
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
