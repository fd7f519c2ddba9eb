package io.github.roleprobe.benchmarks.sim;

import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.testkit.EksPodSimulator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.DoubleSupplier;

/**
 * Target 5: a fleet of pods (default 10,000) rolled out over 2 minutes in one account, each pod's
 * association consistent a random 2–15 s after the pod starts, every pod's verifier on one shared virtual
 * clock. Prints the STS {@code GetCallerIdentity} rate of the account (peak over any 1 s window, mean) for
 * IMDS serving the node role or not, with and without the backoff's full jitter, against the documented
 * STS quota of 600 requests per second per account per Region (IAM User Guide, "IAM and AWS STS quotas",
 * section "STS request quotas").
 *
 * <p>The verifiers use the defaults: backoff 200 ms doubling, capped at {@code backoff.local-max} = 1 s after an
 * attempt that sent nothing to STS (no credentials, or the node role's key already identified) and at
 * {@code backoff.max} = 5 s after one that did; {@code max-age} 20 min, so every pod renews its confirmation
 * 20 min after its verification: the rollout's shape comes back as a renewal wave 20 min later.
 *
 * <p>Every call goes through each verifier's real SDK {@code StsClient} to the simulator's STS on loopback,
 * one at a time (virtual time does not move while a call runs).
 *
 * <p>Run: {@code java -Xmx6g -cp benchmarks/target/benchmarks.jar io.github.roleprobe.benchmarks.sim.FleetSimulation
 * [pods] [rolloutSeconds] [batches]}; {@code batches} &gt; 1 starts the pods in that many equal batches (pods of
 * a batch start within the same second) instead of uniformly over the rollout. System properties narrow a run:
 * {@code -Dfleet.imds=on|off} and {@code -Dfleet.jitter=on|off} (default both), {@code -Dfleet.afterMinutes=22}
 * (virtual minutes simulated after the rollout; the first {@code max-age} renewal wave runs from 20 min after the
 * first verification to 20 min after the last, about 20–22.3 min after the rollout started for a 2-minute rollout,
 * so the default 22 covers it whole; 2 stops before it).
 */
public final class FleetSimulation {

    private static final long S = 1_000_000_000L;
    private static final long BUCKET = S / 10;
    private static final double QUOTA = 600;

    private FleetSimulation() {
    }

    /**
     * @param args optional: pods (10000), rollout seconds (120), batches (1 = uniform)
     */
    public static void main(String[] args) {
        Loopback.fastResponses();
        int pods = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rolloutSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 120;
        int batches = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        long horizon = (rolloutSeconds + Long.getLong("fleet.afterMinutes", 22) * 60) * S;
        boolean[] imdsModes = modes(System.getProperty("fleet.imds", "both"));
        boolean[] jitterModes = modes(System.getProperty("fleet.jitter", "both"));
        System.out.printf(Locale.ROOT, "## Fleet: %d pods, rollout %d s (%s), association consistent U(2 s, 15 s) after pod start,"
                        + " simulated %d min%n%n", pods, rolloutSeconds,
                batches <= 1 ? "start times uniform" : batches + " batches, each starting within 1 s", horizon / S / 60);
        System.out.println("| IMDS | jitter | STS calls | peak calls/s (any 1 s window) | at | mean calls/s during rollout | peak 1 s after rollout settled | at | time to ready p50 / p95 / max | peak vs 600/s quota | wall-clock |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        try (EksPodSimulator sim = EksPodSimulator.builder().start()) {
            long before = sim.counters().stsGetCallerIdentityCalls();
            long recorded = 0;
            for (boolean imds : imdsModes) {
                for (boolean jitter : jitterModes) {
                    recorded += run(sim, pods, rolloutSeconds, batches, horizon, imds, jitter);
                }
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "cross-check: calls recorded by the verifiers' listeners %d, GetCallerIdentity requests received by the simulator's STS %d%n",
                    recorded, sim.counters().stsGetCallerIdentityCalls() - before);
        }
    }

    private static boolean[] modes(String value) {
        return switch (value) {
            case "on" -> new boolean[] {true};
            case "off" -> new boolean[] {false};
            default -> new boolean[] {true, false};
        };
    }

    private static long run(EksPodSimulator sim, int n, int rolloutSeconds, int batches, long horizon, boolean imds,
            boolean jitter) {
        long wall = System.nanoTime();
        Random random = new Random(2024);
        long[] start = new long[n];
        long[] consistent = new long[n];
        for (int i = 0; i < n; i++) {
            if (batches <= 1) {
                start[i] = (long) (random.nextDouble() * rolloutSeconds * S);
            } else {
                int batch = (int) ((long) i * batches / n);
                start[i] = batch * (rolloutSeconds * S / batches) + (long) (random.nextDouble() * S);
            }
            consistent[i] = start[i] + (long) ((2 + 13 * random.nextDouble()) * S);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(start[a], start[b]));

        VirtualScheduler scheduler = new VirtualScheduler(new VirtualClock(Instant.now()));
        RoleProbeConfig config = SimulatedPod.config(sim, StsBudgetSimulation.ROLE).build();
        Random jitterRandom = new Random(99);
        DoubleSupplier rnd = jitter ? jitterRandom::nextDouble : () -> 1.0;
        long[] buckets = new long[(int) (horizon / BUCKET) + 1];
        List<SimulatedPod> fleet = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            int i = order[k];
            scheduler.runUntil(start[i]);
            SimulatedPod pod = new SimulatedPod(sim, scheduler, config,
                    new ModelledPodCredentials(sim, scheduler.clock(), ModelledPodCredentials.Delivery.POD_IDENTITY,
                            StsBudgetSimulation.ROLE, "orders-" + i, consistent[i], imds, StsBudgetSimulation.NODE_ROLE,
                            String.format(Locale.ROOT, "i-%017x", i % 200)),
                    consistent[i], rnd, t -> buckets[(int) Math.min(buckets.length - 1, t / BUCKET)]++);
            pod.start();
            fleet.add(pod);
        }
        scheduler.runUntil(horizon);

        long total = Arrays.stream(buckets).sum();
        double[] ttr = new double[n];
        long lastVerified = 0;
        int verified = 0;
        for (int k = 0; k < n; k++) {
            SimulatedPod p = fleet.get(k);
            if (p.firstVerifiedNanos() >= 0) {
                verified++;
                lastVerified = Math.max(lastVerified, p.firstVerifiedNanos());
                ttr[k] = p.timeToReady().toNanos() / 1e9;
            } else {
                ttr[k] = Double.POSITIVE_INFINITY;
            }
        }
        if (verified != n) {
            throw new IllegalStateException((n - verified) + " pods never verified");
        }
        // Peak over any 1 s window (10 buckets of 100 ms), during the rollout and after it settled.
        int settledFrom = (int) (lastVerified / BUCKET) + 1;
        long peak = 0;
        int peakAt = 0;
        long peakSettled = 0;
        int peakSettledAt = -1;
        long window = 0;
        for (int b = 0; b < buckets.length; b++) {
            window += buckets[b] - (b >= 10 ? buckets[b - 10] : 0);
            if (b - 9 >= settledFrom) {
                if (window > peakSettled) {
                    peakSettled = window;
                    peakSettledAt = b;
                }
            } else if (window > peak) {
                peak = window;
                peakAt = b;
            }
        }
        long duringRollout = 0;
        for (int b = 0; b < settledFrom && b < buckets.length; b++) {
            duringRollout += buckets[b];
        }
        double meanRollout = duringRollout / (settledFrom * (double) BUCKET / S);
        Stats t = new Stats(ttr);
        System.out.printf(Locale.ROOT, "| %s | %s | %d | %d | %.1f s | %.1f | %d | %s | %.2f / %.2f / %.2f s | %.0f %% | %.0f s |%n",
                imds ? "node role" : "unavailable", jitter ? "full" : "none", total, peak, (peakAt + 1) * (double) BUCKET / S,
                meanRollout, peakSettled,
                peakSettledAt < 0 ? "—" : String.format(Locale.ROOT, "%.1f s", (peakSettledAt + 1) * (double) BUCKET / S),
                t.percentile(50), t.percentile(95), t.max(), 100.0 * peak / QUOTA,
                (System.nanoTime() - wall) / 1e9);
        fleet.forEach(SimulatedPod::close);
        return total;
    }
}
