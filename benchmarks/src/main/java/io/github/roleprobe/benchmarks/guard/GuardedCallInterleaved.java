package io.github.roleprobe.benchmarks.guard;

import io.github.roleprobe.guard.RequestGuard;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Issue 10, target 2 (a real SDK call within 1 % in throughput and p50, with the request guard versus without),
 * measured so that the machine's changing load cancels out. One JVM and one {@link GuardedCallFixture} with a
 * verified verifier; its guard is switched off and on ({@link RequestGuard#deactivate()} and
 * {@link RequestGuard#activate()}; off, the interceptor of every client finds no active guard, exactly as with no
 * verifier in the JVM) between short blocks of calls, in ABBA order (on-off, off-on, ...). Each pair of adjacent
 * blocks gives ratios with / without of throughput, of the block's median latency and of process CPU per call; load
 * that changes more slowly than a pair (about a second) affects both sides alike. The result is the median of the
 * pairs' ratios with a bootstrap 95 % interval (2,000 resamples, fixed seed).
 *
 * <p>What the separate-JVM JMH run ({@link GuardedCallBenchmark}) has that this one has not: a JVM that never saw a
 * guard (here the interceptor's code is compiled with both paths seen; the guard's hot path costs about 64 ns of the
 * 1.6 ms a call costs, so that cannot move the ratio by 0.01 %).
 *
 * <p>Run: {@code java -Xms512m -Xmx512m -Dsun.net.httpserver.nodelay=true -cp benchmarks/target/benchmarks.jar
 * io.github.roleprobe.benchmarks.guard.GuardedCallInterleaved [pairs=400] [calls per block=200] [warm-up s=20]}
 */
public final class GuardedCallInterleaved {

    private GuardedCallInterleaved() {
    }

    /**
     * @param args pairs of blocks (default 400), calls per block (default 200), warm-up seconds (default 20)
     * @throws Exception if the fixture cannot start or the guard did not see every guarded call
     */
    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int perBlock = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int warmupSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        try (GuardedCallFixture fixture = new GuardedCallFixture(true)) {
            RequestGuard guard = fixture.guard();
            long guardedCalls = fixture.calls(); // the set-up's call
            long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
            boolean on = true;
            while (System.nanoTime() < warmupEnd) {
                switchTo(guard, on);
                guardedCalls += on ? perBlock : 0;
                block(fixture, perBlock, new long[perBlock]);
                on = !on;
            }
            double[] throughput = new double[pairs];
            double[] p50 = new double[pairs];
            double[] cpu = new double[pairs];
            long[] latencies = new long[perBlock];
            for (int p = 0; p < pairs; p++) {
                boolean onFirst = p % 2 == 0;
                Block first;
                Block second;
                switchTo(guard, onFirst);
                guardedCalls += onFirst ? perBlock : 0;
                first = block(fixture, perBlock, latencies);
                switchTo(guard, !onFirst);
                guardedCalls += onFirst ? 0 : perBlock;
                second = block(fixture, perBlock, latencies);
                Block with = onFirst ? first : second;
                Block without = onFirst ? second : first;
                throughput[p] = (double) without.wallNanos / with.wallNanos; // calls/s with over calls/s without
                p50[p] = (double) with.p50Nanos / without.p50Nanos;
                cpu[p] = (double) with.cpuNanos / without.cpuNanos;
            }
            guard.activate();
            System.out.println(fixture.checkGuardSaw(guardedCalls));
            System.out.printf(Locale.ROOT, "pairs %d, calls per block %d, warm-up %d s, load average %.2f%n", pairs,
                    perBlock, warmupSeconds, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.println("| ratio with / without | median of pairs | bootstrap 95 % interval | pairs' 10th-90th"
                    + " percentile |");
            System.out.println("|---|---|---|---|");
            row("throughput (calls/s)", throughput);
            row("p50 latency", p50);
            row("process CPU per call", cpu);
        }
    }

    private record Block(long wallNanos, long p50Nanos, long cpuNanos) {
    }

    private static void switchTo(RequestGuard guard, boolean on) {
        if (on) {
            guard.activate();
        } else {
            guard.deactivate();
        }
    }

    private static Block block(GuardedCallFixture fixture, int n, long[] latencies) {
        long cpuStart = processCpuNanos();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            fixture.call();
            latencies[i] = System.nanoTime() - t;
        }
        long wall = System.nanoTime() - start;
        long cpu = processCpuNanos() - cpuStart;
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        return new Block(wall, sorted[n / 2], cpu);
    }

    private static void row(String name, double[] ratios) {
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        Random random = new Random(20261204);
        double[] medians = new double[2000];
        double[] sample = new double[ratios.length];
        for (int b = 0; b < medians.length; b++) {
            for (int i = 0; i < sample.length; i++) {
                sample[i] = ratios[random.nextInt(ratios.length)];
            }
            Arrays.sort(sample);
            medians[b] = median(sample);
        }
        Arrays.sort(medians);
        System.out.printf(Locale.ROOT, "| %s | %.4f | %.4f-%.4f | %.3f-%.3f |%n", name, median(sorted),
                medians[50], medians[1949], sorted[sorted.length / 10], sorted[sorted.length * 9 / 10]);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
