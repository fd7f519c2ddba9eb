package io.github.roleprobe.benchmarks.sim;

import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.testkit.EksPodSimulator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Target 3, on virtual time: how long after the association becomes consistent the verifier publishes
 * its first VERIFIED snapshot, for several lengths of the wait before consistency and several backoff
 * settings. Complements {@link TimeToReadyRealTime} (the same measure in real time with the real SDK
 * credential providers, fewer runs): here thousands of pods per row cost seconds. STS and credential
 * fetches take no virtual time, so the result is the backoff's own contribution.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.github.roleprobe.benchmarks.sim.TimeToReadyVirtual [pods]}
 */
public final class TimeToReadyVirtual {

    private static final long S = 1_000_000_000L;

    private TimeToReadyVirtual() {
    }

    /** @param args optional pods per row (default 2000) */
    public static void main(String[] args) {
        Loopback.fastResponses();
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        System.out.printf(Locale.ROOT, "## Time to ready after consistency, virtual time (%d pods per row, IMDS serves the node role)%n%n", n);
        System.out.println("| backoff initial → max | wait before consistent | p50 | p95 | p99 | max | attempts per pod in the wait (mean) |");
        System.out.println("|---|---|---|---|---|---|---|");
        try (EksPodSimulator sim = EksPodSimulator.builder().start()) {
            List<Duration[]> backoffs = List.of(
                    new Duration[] {Duration.ofMillis(200), Duration.ofSeconds(5)},
                    new Duration[] {Duration.ofMillis(200), Duration.ofSeconds(2)},
                    new Duration[] {Duration.ofMillis(200), Duration.ofSeconds(1)});
            for (Duration[] b : backoffs) {
                for (String wait : List.of("1", "2", "5", "15", "60", "U(2,15)")) {
                    row(sim, n, b[0], b[1], wait);
                }
            }
        }
    }

    private static void row(EksPodSimulator sim, int n, Duration initial, Duration max, String wait) {
        VirtualScheduler scheduler = new VirtualScheduler(new VirtualClock(Instant.now()));
        RoleProbeConfig config = SimulatedPod.config(sim, StsBudgetSimulation.ROLE).backoffInitial(initial).backoffMax(max).build();
        Random waits = new Random(5);
        Random jitter = new Random(6);
        List<SimulatedPod> pods = new ArrayList<>(n);
        long last = 0;
        for (int i = 0; i < n; i++) {
            long consistentAt = "U(2,15)".equals(wait)
                    ? (long) ((2 + 13 * waits.nextDouble()) * S)
                    : Long.parseLong(wait) * S;
            last = Math.max(last, consistentAt);
            SimulatedPod p = new SimulatedPod(sim, scheduler, config,
                    new ModelledPodCredentials(sim, scheduler.clock(), ModelledPodCredentials.Delivery.POD_IDENTITY,
                            StsBudgetSimulation.ROLE, "orders-" + i, consistentAt, true, StsBudgetSimulation.NODE_ROLE, "i-0abc"),
                    consistentAt, jitter::nextDouble, null);
            p.start();
            pods.add(p);
        }
        scheduler.runUntil(last + 60 * S);
        double[] ttr = new double[n];
        double[] attempts = new double[n];
        for (int i = 0; i < n; i++) {
            SimulatedPod p = pods.get(i);
            if (p.timeToReady() == null) {
                throw new IllegalStateException("not verified: " + p.verifier().snapshot());
            }
            ttr[i] = p.timeToReady().toNanos() / 1e9;
            attempts[i] = p.verifier().snapshot().attempts() - 1;
        }
        Stats t = new Stats(ttr);
        System.out.printf(Locale.ROOT, "| %d ms → %d ms | %s s | %.2f s | %.2f s | %.2f s | %.2f s | %.1f |%n", initial.toMillis(), max.toMillis(),
                wait, t.percentile(50), t.percentile(95), t.percentile(99), t.max(), new Stats(attempts).mean());
        pods.forEach(SimulatedPod::close);
    }
}
