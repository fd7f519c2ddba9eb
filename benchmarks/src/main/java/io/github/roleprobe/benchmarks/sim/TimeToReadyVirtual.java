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
 * credential providers, fewer runs): here hundreds of pods per row cost seconds. STS and credential
 * fetches take no virtual time, so the result is the backoff's own contribution.
 *
 * <p>Rows: the defaults (backoff 200 ms doubling, capped at {@code backoff.local-max} = 1 s after an attempt
 * that sent nothing to STS and at {@code backoff.max} = 5 s after one that did, or under IRSA); the behaviour
 * before {@code local-max} existed (both caps 5 s); {@code local-max} 2 s; all for Pod Identity with IMDS serving
 * the node role. Then, for a wait of U(2 s, 15 s) with the defaults: Pod Identity without IMDS, and IRSA with and
 * without IMDS (IRSA environment keeps the 5 s cap: each IRSA attempt's fresh chain calls
 * {@code AssumeRoleWithWebIdentity}).
 *
 * <p>Besides the time to ready, each row gives the attempts per pod in the wait and the credential requests
 * they cost per pod per second of wait, counted on the model ({@link ModelledPodCredentials#failedRoleFetches()},
 * one per resolution before consistency): one role fetch (a refused Pod Identity agent request, or a failed
 * {@code AssumeRoleWithWebIdentity}) per attempt, plus, when IMDS serves the node role, one IMDS credential fetch
 * per attempt (the verifier builds a fresh SDK chain per attempt until verified, so the SDK's instance-profile
 * provider fetches again each time; the model itself reuses the node key, as IMDS hands out the same one).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.github.roleprobe.benchmarks.sim.TimeToReadyVirtual [pods]}
 */
public final class TimeToReadyVirtual {

    private static final long S = 1_000_000_000L;
    private static final String U_2_15 = "U(2,15)";

    private TimeToReadyVirtual() {
    }

    private record Backoff(Duration initial, Duration localMax, Duration max, String label) {
    }

    /** @param args optional pods per row (default 2000) */
    public static void main(String[] args) {
        Loopback.fastResponses();
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Backoff defaults = new Backoff(RoleProbeConfig.DEFAULT_BACKOFF_INITIAL, RoleProbeConfig.DEFAULT_BACKOFF_LOCAL_MAX,
                RoleProbeConfig.DEFAULT_BACKOFF_MAX, "default");
        List<Backoff> backoffs = List.of(
                defaults,
                new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(5), "as before local-max"),
                new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(5), "local-max 2 s"));
        System.out.printf(Locale.ROOT, "## Time to ready after consistency, virtual time (%d pods per row)%n%n", n);
        System.out.println("Backoff: initial → local-max (after an attempt that sent nothing to STS) / max (after an STS request, or"
                + " under IRSA). Requests per pod per second of wait: role fetches (Pod Identity agent requests, or IRSA"
                + " AssumeRoleWithWebIdentity calls) + IMDS credential fetches (one per attempt when IMDS serves the node role).");
        System.out.println();
        System.out.println("| delivery | IMDS | backoff initial → local-max / max | wait before consistent | p50 | p95 | p99 | max"
                + " | attempts per pod in the wait (mean) | role fetches per pod per s of wait | IMDS fetches per pod per s of wait"
                + " | GetCallerIdentity per pod in the wait (mean) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        try (EksPodSimulator sim = EksPodSimulator.builder().start()) {
            for (Backoff b : backoffs) {
                for (String wait : List.of("1", "2", "5", "15", "60", U_2_15)) {
                    row(sim, n, ModelledPodCredentials.Delivery.POD_IDENTITY, true, b, wait);
                }
            }
            row(sim, n, ModelledPodCredentials.Delivery.POD_IDENTITY, false, defaults, U_2_15);
            row(sim, n, ModelledPodCredentials.Delivery.IRSA, true, defaults, U_2_15);
            row(sim, n, ModelledPodCredentials.Delivery.IRSA, false, defaults, U_2_15);
            System.out.println();
            System.out.printf(Locale.ROOT, "simulator STS GetCallerIdentity requests received in total: %d%n",
                    sim.counters().stsGetCallerIdentityCalls());
        }
    }

    private static void row(EksPodSimulator sim, int n, ModelledPodCredentials.Delivery delivery, boolean imds,
            Backoff b, String wait) {
        VirtualScheduler scheduler = new VirtualScheduler(new VirtualClock(Instant.now()));
        RoleProbeConfig config = SimulatedPod.config(sim, StsBudgetSimulation.ROLE)
                .backoffInitial(b.initial()).backoffLocalMax(b.localMax()).backoffMax(b.max()).build();
        Random waits = new Random(5);
        Random jitter = new Random(6);
        List<SimulatedPod> pods = new ArrayList<>(n);
        long last = 0;
        for (int i = 0; i < n; i++) {
            long consistentAt = U_2_15.equals(wait)
                    ? (long) ((2 + 13 * waits.nextDouble()) * S)
                    : Long.parseLong(wait) * S;
            last = Math.max(last, consistentAt);
            SimulatedPod p = new SimulatedPod(sim, scheduler, config,
                    new ModelledPodCredentials(sim, scheduler.clock(), delivery, StsBudgetSimulation.ROLE, "orders-" + i,
                            consistentAt, imds, StsBudgetSimulation.NODE_ROLE, "i-0abc"),
                    consistentAt, jitter::nextDouble, null);
            p.start();
            pods.add(p);
        }
        scheduler.runUntil(last + 60 * S);
        double[] ttr = new double[n];
        double[] attempts = new double[n];
        double[] stsInWait = new double[n];
        double roleFetches = 0;
        double waitSeconds = 0;
        for (int i = 0; i < n; i++) {
            SimulatedPod p = pods.get(i);
            if (p.timeToReady() == null) {
                throw new IllegalStateException("not verified: " + p.verifier().snapshot());
            }
            ttr[i] = p.timeToReady().toNanos() / 1e9;
            attempts[i] = p.verifier().snapshot().attempts() - 1;
            stsInWait[i] = p.stsCallsBeforeConsistent();
            roleFetches += p.credentials().failedRoleFetches();
            waitSeconds += p.consistentAtNanos() / (double) S;
        }
        Stats t = new Stats(ttr);
        double fetchRate = roleFetches / waitSeconds;
        System.out.printf(Locale.ROOT, "| %s | %s | %d ms → %s / %s, %s | %s s | %.2f s | %.2f s | %.2f s | %.2f s | %.1f | %.2f | %.2f | %.2f |%n",
                delivery, imds ? "node role" : "unavailable", b.initial().toMillis(), seconds(b.localMax()), seconds(b.max()),
                b.label(), wait, t.percentile(50), t.percentile(95), t.percentile(99), t.max(), new Stats(attempts).mean(),
                fetchRate, imds ? fetchRate : 0.0, new Stats(stsInWait).mean());
        pods.forEach(SimulatedPod::close);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
