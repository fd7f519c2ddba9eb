package io.github.roleprobe.benchmarks.sim;

import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.credentials.ApplicationCredentials;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.testkit.StsFailure;
import io.github.roleprobe.verify.AttemptReport;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.VerificationListener;
import io.github.roleprobe.verify.VerificationState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Issue 14, section 3: a fleet of pods (default 1,000) rolled out over 2 minutes in one account whose verification
 * <em>never</em> succeeds, simulated for an hour on one virtual clock with the default settings. Prints, per failure,
 * the STS requests the fleet sends (peak over any 1 s window, mean over the hour, per pod in the first hour and in
 * its last 10 minutes) against the STS quota of 600 requests per second per account per Region (IAM User Guide,
 * "IAM and AWS STS quotas", section "STS request quotas").
 *
 * <p>The failures:
 * <ul>
 *   <li><b>IRSA trust refused</b>: the role's trust policy does not trust the cluster's OIDC provider, so the SDK's
 *       web identity provider's {@code AssumeRoleWithWebIdentity} fails on every attempt (one request each; the chain
 *       then fails, IMDS unavailable). Modelled in {@link ModelledPodCredentials} (no request reaches the simulator);
 *       each failed resolution is counted as one {@code AssumeRoleWithWebIdentity} request.</li>
 *   <li><b>IRSA trust refused, IMDS serving the node role</b>: as above, then the chain falls through to the node role,
 *       which STS identifies once per node key: {@code WRONG_IDENTITY/NODE_ROLE}.</li>
 *   <li><b>IRSA, STS throttling</b> and <b>IRSA, STS unavailable</b>: STS answers the web identity provider's
 *       {@code AssumeRoleWithWebIdentity} with {@code Throttling} or 503 for the whole hour. The SDK's web identity
 *       provider retries those itself (its STS client's default retry policy, 3 retries), so each failed resolution is
 *       counted as 4 requests; modelled like the trust refusal, with STS's message.</li>
 *   <li><b>STS throttling</b>: EKS Pod Identity credentials of the expected role, and STS answers {@code Throttling}
 *       to every {@code GetCallerIdentity} for the whole hour.</li>
 *   <li><b>STS unavailable</b>: the same, STS answering 503 {@code ServiceUnavailable}.</li>
 *   <li><b>Another role</b>: the association names another role than the expected one: STS identifies each new key
 *       once ({@code WRONG_IDENTITY/OTHER}); the modelled agent hands out a new key on every hourly fetch.</li>
 * </ul>
 * With the SDK default chain and an {@code AWS_ROLE_ARN} that is not an expected role, the verifier knows the outcome
 * from the environment and sends nothing (core's {@code PersistentFailureBackoffTest}); it is not simulated here.
 *
 * <p>For comparison, {@code -Dfleet.persistentMax=5s} sets {@code role-probe.backoff.persistent-max} to
 * {@code backoff.max}, i.e. no growing ceiling: the behaviour before it existed. Every {@code GetCallerIdentity} goes
 * through each verifier's real SDK {@code StsClient} to the simulator's STS on loopback; the simulator's own count is
 * printed as a cross-check.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.github.roleprobe.benchmarks.sim.NeverSucceedingFleetSimulation [pods] [minutes]} (default 1000 pods, 60 min);
 * {@code -Dfleet.failures=THROTTLING,OTHER_ROLE} runs only those rows.
 */
public final class NeverSucceedingFleetSimulation {

    private static final long S = 1_000_000_000L;
    private static final long BUCKET = S / 10;
    private static final double QUOTA = 600;
    private static final int ROLLOUT_SECONDS = 120;
    private static final String OTHER_ROLE = "arn:aws:iam::111122223333:role/billing";

    /** What keeps a pod from ever being verified. */
    enum Failure {
        IRSA_TRUST_REFUSED("IRSA trust refused (IMDS unavailable)"),
        IRSA_TRUST_REFUSED_NODE_ROLE("IRSA trust refused, IMDS serves the node role"),
        IRSA_THROTTLING("IRSA, STS Throttling all hour (IMDS unavailable)"),
        IRSA_STS_UNAVAILABLE("IRSA, STS 503 all hour (IMDS unavailable)"),
        THROTTLING("STS Throttling all hour (Pod Identity)"),
        STS_UNAVAILABLE("STS 503 all hour (Pod Identity)"),
        OTHER_ROLE("association names another role (Pod Identity)");

        final String label;

        Failure(String label) {
            this.label = label;
        }
    }

    private NeverSucceedingFleetSimulation() {
    }

    /**
     * @param args optional: pods (1000), simulated minutes from the rollout's start (60)
     */
    public static void main(String[] args) {
        Loopback.fastResponses();
        int pods = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int minutes = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        Duration persistentMax = Duration.parse("PT" + System.getProperty("fleet.persistentMax",
                RoleProbeConfig.DEFAULT_BACKOFF_PERSISTENT_MAX.toSeconds() + "s").toUpperCase(Locale.ROOT));
        List<Failure> failures = new ArrayList<>();
        for (String name : System.getProperty("fleet.failures", String.join(",",
                Arrays.stream(Failure.values()).map(Enum::name).toList())).split(",")) {
            failures.add(Failure.valueOf(name.trim()));
        }
        System.out.printf(Locale.ROOT, "## %d pods that never verify, rollout %d s (start times uniform), simulated %d min,"
                        + " backoff.persistent-max %d s, other settings default%n%n", pods, ROLLOUT_SECONDS, minutes,
                persistentMax.toSeconds());
        System.out.println("| failure | state | GetCallerIdentity | AssumeRoleWithWebIdentity | all STS requests | peak/s (any 1 s) | at | mean/s | per pod, first hour (or run) | per pod/h, last 10 min | peak vs 600/s | wall-clock |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Failure failure : failures) {
            run(failure, pods, minutes, persistentMax);
        }
    }

    private static void run(Failure failure, int n, int minutes, Duration persistentMax) {
        long wall = System.nanoTime();
        long horizon = minutes * 60L * S;
        try (EksPodSimulator sim = EksPodSimulator.builder().start()) {
            if (failure == Failure.THROTTLING) {
                sim.stsFailNext(Integer.MAX_VALUE / 64, StsFailure.THROTTLING);
            } else if (failure == Failure.STS_UNAVAILABLE) {
                sim.stsDown(true);
            }
            boolean irsa = failure.name().startsWith("IRSA_");
            boolean sdkRetries = failure == Failure.IRSA_THROTTLING || failure == Failure.IRSA_STS_UNAVAILABLE;
            int requestsPerResolution = sdkRetries ? 4 : 1;
            String webIdentityFailure = failure == Failure.IRSA_THROTTLING ? ModelledPodCredentials.THROTTLED
                    : failure == Failure.IRSA_STS_UNAVAILABLE ? ModelledPodCredentials.UNAVAILABLE
                    : ModelledPodCredentials.TRUST_REFUSED;
            boolean imds = failure == Failure.IRSA_TRUST_REFUSED_NODE_ROLE;
            Random random = new Random(2024);
            long[] start = new long[n];
            for (int i = 0; i < n; i++) {
                start[i] = (long) (random.nextDouble() * ROLLOUT_SECONDS * S);
            }
            Arrays.sort(start);
            VirtualScheduler scheduler = new VirtualScheduler(new VirtualClock(Instant.now()));
            RoleProbeConfig config = SimulatedPod.config(sim, StsBudgetSimulation.ROLE)
                    .backoffPersistentMax(persistentMax)
                    .build();
            Random jitter = new Random(99);
            long[] callerIdentity = new long[(int) (horizon / BUCKET) + 1];
            long[] webIdentity = new long[callerIdentity.length];
            long[] perPodFirstHour = new long[n];
            long[] perPodLast10 = new long[n];
            long last10From = horizon - Duration.ofMinutes(10).toNanos();
            long firstHourNanos = Duration.ofHours(1).toNanos();
            Map<VerificationState, Integer> finalStates = new EnumMap<>(VerificationState.class);
            List<IdentityVerifier> fleet = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                scheduler.runUntil(start[i]);
                int pod = i;
                long podStart = start[i];
                VirtualClock clock = scheduler.clock();
                long consistent = podStart + (long) ((2 + 13 * random.nextDouble()) * S);
                ModelledPodCredentials modelled = new ModelledPodCredentials(sim, clock,
                        irsa ? ModelledPodCredentials.Delivery.IRSA : ModelledPodCredentials.Delivery.POD_IDENTITY,
                        failure == Failure.OTHER_ROLE ? OTHER_ROLE : StsBudgetSimulation.ROLE, "orders-" + i,
                        irsa ? Long.MAX_VALUE : consistent, imds, StsBudgetSimulation.NODE_ROLE,
                        String.format(Locale.ROOT, "i-%017x", i % 200)).webIdentityFailure(webIdentityFailure);
                Runnable countOne = () -> {
                    long now = clock.nanos();
                    if (now - podStart < firstHourNanos) {
                        perPodFirstHour[pod]++;
                    }
                    if (now >= last10From) {
                        perPodLast10[pod]++;
                    }
                };
                AwsCredentialsProvider chain = irsa ? new CountingWebIdentity(modelled, () -> {
                    for (int r = 0; r < requestsPerResolution; r++) {
                        webIdentity[(int) Math.min(webIdentity.length - 1, clock.nanos() / BUCKET)]++;
                        countOne.run();
                    }
                }) : modelled;
                IdentityVerifier verifier = IdentityVerifier.builder()
                        .config(config)
                        .environment(PodEnvironment.of(irsa ? irsaEnv() : podIdentityEnv()))
                        .credentials(ApplicationCredentials.of(chain))
                        .clock(clock)
                        .random(jitter::nextDouble)
                        .scheduler(scheduler.newView())
                        .listener(new VerificationListener() {
                            @Override
                            public void attemptFinished(AttemptReport report) {
                                if (report.stsCall().isPresent()) {
                                    callerIdentity[(int) Math.min(callerIdentity.length - 1, clock.nanos() / BUCKET)]++;
                                    countOne.run();
                                }
                            }
                        })
                        .build();
                verifier.start();
                fleet.add(verifier);
            }
            scheduler.runUntil(horizon);
            for (IdentityVerifier v : fleet) {
                finalStates.merge(v.snapshot().state(), 1, Integer::sum);
                if (v.snapshot().state() == VerificationState.VERIFIED) {
                    throw new IllegalStateException("a pod verified in scenario " + failure);
                }
            }
            long gci = Arrays.stream(callerIdentity).sum();
            long web = Arrays.stream(webIdentity).sum();
            long received = sim.counters().stsGetCallerIdentityCalls();
            long counted = fleet.stream().mapToLong(IdentityVerifier::stsCalls).sum();
            fleet.forEach(IdentityVerifier::close);
            if (received != gci || counted != gci) {
                throw new IllegalStateException("GetCallerIdentity: listeners " + gci + ", verifiers " + counted
                        + ", simulator " + received);
            }
            long peak = 0;
            int peakAt = 0;
            long window = 0;
            for (int b = 0; b < callerIdentity.length; b++) {
                long add = callerIdentity[b] + webIdentity[b];
                long drop = b >= 10 ? callerIdentity[b - 10] + webIdentity[b - 10] : 0;
                window += add - drop;
                if (window > peak) {
                    peak = window;
                    peakAt = b;
                }
            }
            long all = gci + web;
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %.1f s | %.2f | %.1f (max %d) | %.1f | %.1f %% | %.0f s |%n",
                    failure.label, finalStates, gci, web, all, peak, (peakAt + 1) * (double) BUCKET / S,
                    all / (horizon / (double) S), Arrays.stream(perPodFirstHour).average().orElse(0),
                    Arrays.stream(perPodFirstHour).max().orElse(0),
                    Arrays.stream(perPodLast10).average().orElse(0) * 6,
                    100.0 * peak / QUOTA, (System.nanoTime() - wall) / 1e9);
        }
    }

    private static Map<String, String> podIdentityEnv() {
        return Map.of("KUBERNETES_SERVICE_HOST", "10.100.0.1",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token");
    }

    /**
     * IRSA environment whose token file exists (a projected token's stand-in): the verifier's diagnosis reads the file
     * before it reads the web identity provider's message, so a missing file would be taken for the failure.
     */
    private static Map<String, String> irsaEnv() {
        return Map.of("KUBERNETES_SERVICE_HOST", "10.100.0.1",
                "AWS_ROLE_ARN", StsBudgetSimulation.ROLE,
                "AWS_WEB_IDENTITY_TOKEN_FILE", IRSA_TOKEN_FILE.toString());
    }

    private static final Path IRSA_TOKEN_FILE = irsaTokenFile();

    private static Path irsaTokenFile() {
        try {
            Path file = Files.createTempFile("role-probe-fleet-irsa-token", "");
            file.toFile().deleteOnExit();
            Files.writeString(file, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6b3JkZXJzIn0.c2ln");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The IRSA chain: each resolution first asks STS {@code AssumeRoleWithWebIdentity} (refused here, counted), then
     * falls through to what the model gives (the node role, or nothing).
     */
    private static final class CountingWebIdentity implements AwsCredentialsProvider {
        private final ModelledPodCredentials modelled;
        private final Runnable onAssumeRoleWithWebIdentity;

        CountingWebIdentity(ModelledPodCredentials modelled, Runnable onAssumeRoleWithWebIdentity) {
            this.modelled = modelled;
            this.onAssumeRoleWithWebIdentity = onAssumeRoleWithWebIdentity;
        }

        @Override
        public AwsCredentials resolveCredentials() {
            onAssumeRoleWithWebIdentity.run();
            return modelled.resolveCredentials();
        }
    }
}
