package io.github.roleprobe.benchmarks.sim;

import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.testkit.ImdsMode;
import io.github.roleprobe.verify.AttemptReport;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.VerificationListener;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.github.roleprobe.verify.VerificationState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Target 3 in real time: the verifier with all its defaults (daemon thread, system clock, SDK default
 * credential provider chain rebuilt per attempt, default backoff 200 ms doubling with full jitter, capped at
 * {@code backoff.local-max} = 1 s after an attempt that sent nothing to STS and at {@code backoff.max} = 5 s after
 * one that did) in a simulated EKS pod (testkit: Pod Identity agent refusing the role until told, IMDS serving
 * the node role, STS on loopback). The first attempt asks STS about the node role's key; later attempts in the
 * wait get the same key, already known, and send nothing to STS, so the 1 s cap governs the wait. Each run starts
 * a fresh simulator and verifier, waits a random 2–15 s, makes the association consistent and measures the time
 * until the first VERIFIED snapshot is published. The CSV also records the simulator's own counts of Pod Identity
 * agent requests and IMDS requests (token, role name and credential requests) during the wait, and how long the
 * verifying attempt itself took (credential resolution and the STS call).
 *
 * <p>{@code -Dttr.imds=ABSENT} (connections refused) or {@code -Dttr.imds=BLACK_HOLE} (connections accepted and
 * never answered, as IMDS with a hop limit of 1 looks from a pod) replaces the node role's IMDS
 * ({@code NODE_ROLE}, the default): the chain then fails while waiting and no attempt calls STS before consistency.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.github.roleprobe.benchmarks.sim.TimeToReadyRealTime
 * [runs] [minWaitSeconds] [maxWaitSeconds] [csvFile]}
 */
public final class TimeToReadyRealTime {

    private static final String ROLE = "arn:aws:iam::111122223333:role/orders";

    private TimeToReadyRealTime() {
    }

    /**
     * @param args runs (100), minimum and maximum wait in seconds (2, 15), CSV file for the raw runs
     * @throws Exception on interruption or I/O failure
     */
    public static void main(String[] args) throws Exception {
        Loopback.fastResponses();
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        double minWait = args.length > 1 ? Double.parseDouble(args[1]) : 2;
        double maxWait = args.length > 2 ? Double.parseDouble(args[2]) : 15;
        Path csv = Path.of(args.length > 3 ? args[3] : "time-to-ready.csv");
        Random random = new Random();
        ImdsMode imds = ImdsMode.valueOf(System.getProperty("ttr.imds", ImdsMode.NODE_ROLE.name()));
        double[] ttr = new double[runs];
        long agentInWait = 0;
        long imdsInWait = 0;
        double waitTotal = 0;
        long wall = System.nanoTime();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv))) {
            out.println("run,wait_s,time_to_ready_ms,attempts,sts_calls,agent_requests_in_wait,imds_requests_in_wait,load_avg_1m,"
                    + "verifying_attempt_ms");
            for (int r = 0; r < runs; r++) {
                double wait = minWait + (maxWait - minWait) * random.nextDouble();
                Result res = once(wait, imds);
                ttr[r] = res.millis;
                agentInWait += res.agentRequests;
                imdsInWait += res.imdsRequests;
                waitTotal += wait;
                out.printf(Locale.ROOT, "%d,%.3f,%.1f,%d,%d,%d,%d,%s,%.1f%n", r, wait, res.millis, res.attempts, res.stsCalls,
                        res.agentRequests, res.imdsRequests, loadAverage(), res.verifyingAttemptMillis);
                out.flush();
                System.err.printf(Locale.ROOT, "run %d: wait %.1f s, ready %.0f ms after consistency (%d attempts, %d STS calls)%n",
                        r, wait, res.millis, res.attempts, res.stsCalls);
            }
        }
        Stats s = new Stats(ttr);
        System.out.printf(Locale.ROOT, "## Time to ready after consistency, real time (%d runs, wait U(%.0f s, %.0f s), default backoff: 200 ms → local-max 1 s / max 5 s, IMDS %s)%n%n",
                runs, minWait, maxWait, imds);
        System.out.println("| runs | p50 | p95 | p99 | max | min | mean |");
        System.out.println("|---|---|---|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| %d | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms |%n", runs, s.percentile(50),
                s.percentile(95), s.percentile(99), s.max(), s.min(), s.mean());
        System.out.printf(Locale.ROOT, "%nin the wait, per second: %.2f Pod Identity agent requests, %.2f IMDS requests (all kinds)%n",
                agentInWait / waitTotal, imdsInWait / waitTotal);
        System.out.printf(Locale.ROOT, "%nraw runs: %s; wall-clock %.0f s%n", csv.toAbsolutePath(), (System.nanoTime() - wall) / 1e9);
    }

    private record Result(double millis, long attempts, long stsCalls, long agentRequests, long imdsRequests,
            double verifyingAttemptMillis) {
    }

    private static Result once(double waitSeconds, ImdsMode imds) throws InterruptedException {
        try (EksPodSimulator sim = EksPodSimulator.builder()
                .podIdentity(ROLE)
                .associationConsistentAfterRequests(Integer.MAX_VALUE)
                .imds(imds)
                .start()) {
            sim.applySystemProperties();
            AtomicLong verifiedAt = new AtomicLong();
            AtomicLong verifyingAttemptNanos = new AtomicLong();
            CountDownLatch verified = new CountDownLatch(1);
            try (IdentityVerifier verifier = IdentityVerifier.builder()
                    .config(RoleProbeConfig.builder().roleArns(List.of(ROLE)).build())
                    .environment(PodEnvironment.of(Map.of(PodEnvironment.KUBERNETES_SERVICE_HOST, "10.100.0.1")))
                    .listener(new VerificationListener() {
                        @Override
                        public void attemptFinished(AttemptReport report) {
                            if (report.current().state() == VerificationState.VERIFIED && verifyingAttemptNanos.get() == 0) {
                                verifyingAttemptNanos.set(report.duration().toNanos());
                            }
                        }

                        @Override
                        public void stateChanged(VerificationSnapshot previous, VerificationSnapshot current) {
                            if (current.state() == VerificationState.VERIFIED && verifiedAt.get() == 0) {
                                verifiedAt.set(System.nanoTime());
                                verified.countDown();
                            }
                        }
                    })
                    .build()) {
                verifier.start();
                Thread.sleep((long) (waitSeconds * 1000));
                if (verifier.ready()) {
                    throw new IllegalStateException("verified before the association was consistent: " + verifier.snapshot());
                }
                long agentRequests = sim.counters().agentRequests();
                long imdsRequests = sim.counters().imdsRequests();
                long consistentAt = System.nanoTime();
                sim.makeAssociationConsistent();
                if (!verified.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("not verified 60 s after consistency: " + verifier.snapshot());
                }
                VerificationSnapshot s = verifier.snapshot();
                return new Result((verifiedAt.get() - consistentAt) / 1e6, s.attempts(), s.stsCalls(), agentRequests,
                        imdsRequests, verifyingAttemptNanos.get() / 1e6);
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "";
        }
    }
}
