package io.github.roleprobe.benchmarks.guard;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A load-tolerant complement to {@link RequestGuardBenchmark}'s wall-clock ns/op: the same calls of
 * {@code RequestGuardInterceptor.beforeTransmission}, timed by the measuring thread's own CPU time
 * ({@link ThreadMXBean#getCurrentThreadCpuTime()}), which does not count time the thread spent descheduled while
 * other processes used the CPU. For scale it also times {@code Clock.systemUTC().millis()} (the verifier's clock,
 * which the guard reads once per request). The two guard modes run one after the other, each with only its own
 * verifier (so one active guard); the no-verifier rows run after both verifiers are closed.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.github.roleprobe.benchmarks.guard.GuardCpuTime [rounds]}
 */
public final class GuardCpuTime {

    private static final int WARM_UP = 3_000_000;
    private static final int PER_ROUND = 2_000_000;
    private static volatile long sink;

    private GuardCpuTime() {
    }

    /**
     * @param args optional rounds (default 7)
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        System.out.printf(Locale.ROOT, "load average before: %s%n", loadAverage());
        Map<String, double[]> results = new LinkedHashMap<>();
        RequestGuardBenchmark.Request request = new RequestGuardBenchmark.Request();
        request.setUp();
        try {
            for (String mode : new String[] {"observe", "enforce"}) {
                RequestGuardBenchmark.Guarded guarded = new RequestGuardBenchmark.Guarded();
                guarded.mode = mode;
                guarded.setUp(request);
                try {
                    results.put("settled, " + mode, time(rounds,
                            () -> guarded.builtClient.beforeTransmission(request.context, request.built)));
                    results.put("settledRealAttributes, " + mode, time(rounds,
                            () -> guarded.realClient.beforeTransmission(request.context, request.real)));
                } finally {
                    guarded.tearDown();
                }
            }
            RequestGuardBenchmark.Unguarded unguarded = new RequestGuardBenchmark.Unguarded();
            unguarded.setUp();
            results.put("noVerifier", time(rounds,
                    () -> unguarded.client.beforeTransmission(request.context, request.built)));
            results.put("noVerifierRealAttributes", time(rounds,
                    () -> unguarded.client.beforeTransmission(request.context, request.real)));
            Clock clock = Clock.systemUTC();
            results.put("Clock.systemUTC().millis() (reference)", time(rounds, () -> sink = clock.millis()));
        } finally {
            request.tearDown();
        }
        System.out.println("| operation | CPU ns/op, best of " + rounds + " rounds | median | worst |");
        System.out.println("|---|---|---|---|");
        for (Map.Entry<String, double[]> e : results.entrySet()) {
            double[] r = e.getValue();
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f |%n", e.getKey(), r[0], r[r.length / 2],
                    r[r.length - 1]);
        }
        System.out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
    }

    private static double[] time(int rounds, Runnable op) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        run(op, WARM_UP);
        double[] perOp = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long c0 = threads.getCurrentThreadCpuTime();
            run(op, PER_ROUND);
            perOp[r] = (threads.getCurrentThreadCpuTime() - c0) / (double) PER_ROUND;
        }
        Arrays.sort(perOp);
        return perOp;
    }

    private static void run(Runnable op, int n) {
        for (int i = 0; i < n; i++) {
            op.run();
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
