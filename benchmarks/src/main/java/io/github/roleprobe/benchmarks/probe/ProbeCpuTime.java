package io.github.roleprobe.benchmarks.probe;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A load-tolerant complement to {@link ProbeReadBenchmark}'s wall-clock ns/op: the same operations timed by
 * the measuring thread's own CPU time ({@link ThreadMXBean#getCurrentThreadCpuTime()}), which does not count
 * time the thread spent descheduled while other processes used the CPU. Cache and frequency effects of a
 * busy machine still show, so keep the load average next to the result.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.github.roleprobe.benchmarks.probe.ProbeCpuTime}
 */
public final class ProbeCpuTime {

    private static volatile Object sink;

    private ProbeCpuTime() {
    }

    /**
     * @param args optional rounds (default 5)
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        ProbeReadBenchmark b = new ProbeReadBenchmark();
        b.setUp();
        try {
            Map<String, Supplier<Object>> ops = new LinkedHashMap<>();
            ops.put("snapshot", b::snapshot);
            ops.put("ready", b::ready);
            ops.put("live", b::live);
            ops.put("micronautReadiness", b::micronautReadiness);
            ops.put("micronautLiveness", b::micronautLiveness);
            ops.put("snapshotDetails", b::snapshotDetails);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (Supplier<Object> op : ops.values()) {
                run(op, 2_000_000);
            }
            System.out.printf(Locale.ROOT, "load average before: %s%n", loadAverage());
            System.out.println("| operation | CPU ns/op, best of " + rounds + " rounds | median of rounds |");
            System.out.println("|---|---|---|");
            for (Map.Entry<String, Supplier<Object>> e : ops.entrySet()) {
                double[] perOp = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    int n = 1_000_000;
                    long c0 = threads.getCurrentThreadCpuTime();
                    run(e.getValue(), n);
                    perOp[r] = (threads.getCurrentThreadCpuTime() - c0) / (double) n;
                }
                java.util.Arrays.sort(perOp);
                System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f |%n", e.getKey(), perOp[0], perOp[rounds / 2]);
            }
            System.out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
        } finally {
            b.tearDown();
        }
    }

    private static void run(Supplier<Object> op, int n) {
        Object last = null;
        for (int i = 0; i < n; i++) {
            last = op.get();
        }
        sink = last;
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
