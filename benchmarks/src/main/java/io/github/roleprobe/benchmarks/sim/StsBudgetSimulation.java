package io.github.roleprobe.benchmarks.sim;

import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.testkit.EksPodSimulator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

/**
 * Target 4: STS {@code GetCallerIdentity} calls per pod on a virtual clock, with no sleeping, with the
 * verifier's default backoff (200 ms doubling, capped at {@code backoff.local-max} = 1 s after an attempt that
 * sent nothing to STS, at {@code backoff.max} = 5 s after one that did or under IRSA):
 *
 * <ul>
 *   <li>during a 60 s wait for the association (Pod Identity) or the IRSA trust to become effective,
 *       with IMDS serving the node role and with IMDS unavailable;</li>
 *   <li>for comparison, during 60 s of STS answering 503 (credentials available, STS not): every attempt is
 *       an STS call, so the 5 s cap applies;</li>
 *   <li>per 24 h in steady state while the SDK rotates keys as it does for Pod Identity and IRSA, for
 *       {@code max-age} 15 min (the default before commit 99aff39), 20 min (the default) and 30 min.</li>
 * </ul>
 *
 * <p>Every STS call goes through the verifier's real SDK {@code StsClient} to the testkit's STS on loopback;
 * the simulator's own counter is printed as a cross-check. Run:
 * {@code java -cp benchmarks/target/benchmarks.jar io.github.roleprobe.benchmarks.sim.StsBudgetSimulation [pods]}
 */
public final class StsBudgetSimulation {

    static final String ROLE = "arn:aws:iam::111122223333:role/orders";
    static final String NODE_ROLE = "arn:aws:iam::111122223333:role/eks-node-group-role";
    private static final long S = 1_000_000_000L;

    private StsBudgetSimulation() {
    }

    /**
     * @param args optional number of pods per scenario (default 200)
     */
    public static void main(String[] args) {
        Loopback.fastResponses();
        int pods = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        long t0 = System.nanoTime();
        try (EksPodSimulator sim = EksPodSimulator.builder().start()) {
            System.out.printf(Locale.ROOT, "## STS calls during a 60 s wait (%d pods per row, default backoff: 200 ms doubling, capped at 1 s after attempts"
                    + " that sent nothing to STS and 5 s after an STS request or under IRSA, full jitter)%n%n", pods);
            System.out.println("| delivery | IMDS | STS calls before consistent: mean / max | attempts in the wait: mean | STS calls to VERIFIED after consistent: max | failed role fetches in the wait: mean | time to VERIFIED after consistent: p50 / p95 / max |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (ModelledPodCredentials.Delivery d : ModelledPodCredentials.Delivery.values()) {
                for (boolean imds : new boolean[] {true, false}) {
                    waitRow(sim, pods, d, imds);
                }
            }
            System.out.println();
            outageRow(sim, pods);
            System.out.println();
            System.out.printf(Locale.ROOT, "## STS calls per 24 h in steady state (%d pods per row; refresh-interval 1 min)%n%n", Math.min(pods, 20));
            System.out.println("| delivery | key rotation modelled | max-age | GetCallerIdentity per 24 h: mean / max | new keys (role fetches) per 24 h |");
            System.out.println("|---|---|---|---|---|");
            for (ModelledPodCredentials.Delivery d : ModelledPodCredentials.Delivery.values()) {
                for (Duration maxAge : List.of(Duration.ofMinutes(15), RoleProbeConfig.DEFAULT_MAX_AGE, Duration.ofMinutes(30))) {
                    steadyRow(sim, Math.min(pods, 20), d, maxAge);
                }
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "simulator STS GetCallerIdentity requests received in total: %d%n",
                    sim.counters().stsGetCallerIdentityCalls());
        }
        System.out.printf(Locale.ROOT, "wall-clock time: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private static List<SimulatedPod> pods(EksPodSimulator sim, VirtualScheduler scheduler, int n,
            Function<Integer, SimulatedPod> factory) {
        List<SimulatedPod> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SimulatedPod p = factory.apply(i);
            p.start();
            list.add(p);
        }
        return list;
    }

    private static void waitRow(EksPodSimulator sim, int n, ModelledPodCredentials.Delivery delivery, boolean imds) {
        VirtualScheduler scheduler = new VirtualScheduler(new VirtualClock(Instant.now()));
        Random random = new Random(42);
        RoleProbeConfig config = SimulatedPod.config(sim, ROLE).build();
        long consistentAt = 60 * S;
        List<SimulatedPod> pods = pods(sim, scheduler, n, i -> new SimulatedPod(sim, scheduler, config,
                new ModelledPodCredentials(sim, scheduler.clock(), delivery, ROLE, "orders-" + i, consistentAt, imds,
                        NODE_ROLE, "i-0" + String.format(Locale.ROOT, "%016x", i)),
                consistentAt, random::nextDouble, null));
        scheduler.runUntil(consistentAt - 1);
        double[] before = new double[n];
        double[] attempts = new double[n];
        double[] failedFetches = new double[n];
        for (int i = 0; i < n; i++) {
            before[i] = pods.get(i).stsCallsBeforeConsistent();
            attempts[i] = pods.get(i).verifier().snapshot().attempts();
            failedFetches[i] = pods.get(i).credentials().failedRoleFetches();
        }
        // Under IRSA the 60 s of failed AssumeRoleWithWebIdentity calls count as a persistent failure: the retry
        // ceiling has grown to 20-80 s by then, so allow 5 min.
        scheduler.runUntil(consistentAt + 300 * S);
        double[] after = new double[n];
        double[] ready = new double[n];
        for (int i = 0; i < n; i++) {
            after[i] = pods.get(i).stsCalls() - pods.get(i).stsCallsBeforeConsistent();
            if (pods.get(i).firstVerifiedNanos() < 0) {
                throw new IllegalStateException("pod " + i + " not verified: " + pods.get(i).verifier().snapshot());
            }
            ready[i] = pods.get(i).timeToReady().toNanos() / 1e9;
        }
        Stats b = new Stats(before);
        Stats r = new Stats(ready);
        System.out.printf(Locale.ROOT, "| %s | %s | %.2f / %.0f | %.1f | %.0f | %.1f | %.2f / %.2f / %.2f s |%n", delivery,
                imds ? "node role" : "unavailable", b.mean(), b.max(), new Stats(attempts).mean(), new Stats(after).max(),
                new Stats(failedFetches).mean(), r.percentile(50), r.percentile(95), r.max());
        pods.forEach(SimulatedPod::close);
    }

    private static void outageRow(EksPodSimulator sim, int n) {
        VirtualScheduler scheduler = new VirtualScheduler(new VirtualClock(Instant.now()));
        Random random = new Random(7);
        RoleProbeConfig config = SimulatedPod.config(sim, ROLE).build();
        sim.stsDown(true);
        List<SimulatedPod> pods;
        try {
            pods = pods(sim, scheduler, n, i -> new SimulatedPod(sim, scheduler, config,
                    new ModelledPodCredentials(sim, scheduler.clock(), ModelledPodCredentials.Delivery.POD_IDENTITY, ROLE,
                            "orders-" + i, 0, true, NODE_ROLE, "i-0abc"),
                    0, random::nextDouble, null));
            scheduler.runUntil(60 * S - 1);
        } finally {
            sim.stsDown(false);
        }
        double[] calls = new double[n];
        for (int i = 0; i < n; i++) {
            calls[i] = pods.get(i).stsCalls();
        }
        scheduler.runUntil(90 * S);
        Stats c = new Stats(calls);
        long verified = pods.stream().filter(p -> p.firstVerifiedNanos() >= 0).count();
        System.out.printf(Locale.ROOT, "## For comparison: STS answering 503 for 60 s (credentials available from t=0; %d pods)%n%n", n);
        System.out.printf(Locale.ROOT, "GetCallerIdentity calls in the 60 s: mean %.1f, p95 %.0f, max %.0f; verified within 30 s after STS recovered: %d/%d%n",
                c.mean(), c.percentile(95), c.max(), verified, n);
        pods.forEach(SimulatedPod::close);
    }

    private static void steadyRow(EksPodSimulator sim, int n, ModelledPodCredentials.Delivery delivery, Duration maxAge) {
        VirtualScheduler scheduler = new VirtualScheduler(new VirtualClock(Instant.now()));
        Random random = new Random(11);
        RoleProbeConfig config = SimulatedPod.config(sim, ROLE).maxAge(maxAge).build();
        List<SimulatedPod> pods = pods(sim, scheduler, n, i -> new SimulatedPod(sim, scheduler, config,
                new ModelledPodCredentials(sim, scheduler.clock(), delivery, ROLE, "orders-" + i, 0, true, NODE_ROLE, "i-0abc"),
                0, random::nextDouble, null));
        // Stagger nothing: every pod verifies at its first attempt at t=0. Measure the 24 h after that attempt.
        scheduler.runUntil(1);
        long[] callsAtStart = new long[n];
        long[] fetchesAtStart = new long[n];
        for (int i = 0; i < n; i++) {
            if (pods.get(i).firstVerifiedNanos() < 0) {
                throw new IllegalStateException("not verified at once: " + pods.get(i).verifier().snapshot());
            }
            callsAtStart[i] = pods.get(i).stsCalls();
            fetchesAtStart[i] = pods.get(i).credentials().roleFetches();
        }
        scheduler.runUntil(24 * 3600 * S + 1);
        double[] calls = new double[n];
        double[] fetches = new double[n];
        for (int i = 0; i < n; i++) {
            calls[i] = pods.get(i).stsCalls() - callsAtStart[i];
            fetches[i] = pods.get(i).credentials().roleFetches() - fetchesAtStart[i];
            if (!pods.get(i).verifier().ready()) {
                throw new IllegalStateException("lost readiness: " + pods.get(i).verifier().snapshot());
            }
        }
        Stats c = new Stats(calls);
        Stats f = new Stats(fetches);
        String rotation = delivery == ModelledPodCredentials.Delivery.POD_IDENTITY
                ? "SDK re-fetch every 1 h, new key each fetch (upper bound)"
                : "AssumeRoleWithWebIdentity 1 h session, re-fetch 5 min before expiry";
        System.out.printf(Locale.ROOT, "| %s | %s | %d min%s | %.1f / %.0f | %.0f %s |%n", delivery, rotation, maxAge.toMinutes(),
                maxAge.equals(RoleProbeConfig.DEFAULT_MAX_AGE) ? " (default)" : "",
                c.mean(), c.max(), f.mean(),
                delivery == ModelledPodCredentials.Delivery.IRSA ? "AssumeRoleWithWebIdentity" : "agent requests");
        pods.forEach(SimulatedPod::close);
    }
}
