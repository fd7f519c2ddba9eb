package io.github.roleprobe.benchmarks.probe;

import io.github.roleprobe.benchmarks.sim.SimulatedPod;
import io.github.roleprobe.benchmarks.sim.VirtualClock;
import io.github.roleprobe.benchmarks.sim.VirtualScheduler;
import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.credentials.ApplicationCredentials;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.micronaut.RoleProbeLivenessIndicator;
import io.github.roleprobe.micronaut.RoleProbeReadinessIndicator;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.testkit.SimulatedCredentials;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.RoleProbeActivation;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.micronaut.management.health.indicator.HealthResult;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.reactivestreams.Publisher;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Target 1: what one probe costs in-process once the verifier is VERIFIED. The verifier is real and
 * verified once through the simulator's STS (on a virtual scheduler that is then never advanced, so no
 * background attempt runs during measurement); its clock is the system clock, as in production.
 *
 * <ul>
 *   <li>{@code snapshot}, {@code ready}, {@code live}: core's read path.</li>
 *   <li>{@code micronautReadiness}, {@code micronautLiveness}: the starter's
 *       {@code HealthIndicator.getResult()} as Micronaut's health endpoint calls it per request (the result is
 *       built once per snapshot and reused).</li>
 *   <li>{@code snapshotDetails}: the health details map (built once per snapshot).</li>
 * </ul>
 *
 * <p>The Spring Boot starter's indicator is measured in {@code benchmarks/spring} ({@code SpringProbeReadBenchmark}).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ProbeReadBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class ProbeReadBenchmark {

    private static final String ROLE = "arn:aws:iam::111122223333:role/orders";

    private EksPodSimulator simulator;
    private IdentityVerifier verifier;
    private RoleProbeReadinessIndicator readiness;
    private RoleProbeLivenessIndicator liveness;

    /** Starts the simulator and verifies once. */
    @Setup(Level.Trial)
    public void setUp() {
        simulator = EksPodSimulator.builder().start();
        SimulatedCredentials c = simulator.issueCredentials(ROLE, "eks-demo-orders-bench");
        AwsSessionCredentials credentials = AwsSessionCredentials.builder()
                .accessKeyId(c.accessKeyId()).secretAccessKey(c.secretAccessKey()).sessionToken(c.sessionToken())
                .providerName("ContainerCredentialsProvider").build();
        RoleProbeConfig config = SimulatedPod.config(simulator, ROLE).build();
        PodEnvironment environment = PodEnvironment.of(Map.of(
                PodEnvironment.KUBERNETES_SERVICE_HOST, "10.100.0.1",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"));
        VirtualScheduler scheduler = new VirtualScheduler(new VirtualClock(Instant.now()));
        verifier = IdentityVerifier.builder()
                .config(config)
                .environment(environment)
                .credentials(ApplicationCredentials.of(StaticCredentialsProvider.create(credentials)))
                .scheduler(scheduler.newView())
                .build()
                .start();
        scheduler.runUntil(0);
        if (!verifier.ready()) {
            throw new IllegalStateException("benchmark set-up failed to verify: " + verifier.snapshot());
        }
        RoleProbeActivation activation = RoleProbeActivation.decide(config, environment);
        readiness = new RoleProbeReadinessIndicator(Optional.of(verifier), activation);
        liveness = new RoleProbeLivenessIndicator(Optional.of(verifier), activation);
    }

    /** Closes the verifier and the simulator. */
    @TearDown(Level.Trial)
    public void tearDown() {
        verifier.close();
        simulator.close();
    }

    /** @return the latest snapshot */
    @Benchmark
    public VerificationSnapshot snapshot() {
        return verifier.snapshot();
    }

    /** @return readiness */
    @Benchmark
    public boolean ready() {
        return verifier.ready();
    }

    /** @return liveness at the system clock's now */
    @Benchmark
    public boolean live() {
        return verifier.live();
    }

    /** @return the Micronaut readiness indicator's result publisher */
    @Benchmark
    public Publisher<HealthResult> micronautReadiness() {
        return readiness.getResult();
    }

    /** @return the Micronaut liveness indicator's result publisher */
    @Benchmark
    public Publisher<HealthResult> micronautLiveness() {
        return liveness.getResult();
    }

    /** @return the snapshot's health details map, built once per snapshot */
    @Benchmark
    public Map<String, Object> snapshotDetails() {
        return verifier.snapshot().details();
    }


}
