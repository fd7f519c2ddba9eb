package io.github.roleprobe.benchmarks.spring;

import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.credentials.ApplicationCredentials;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.spring.RoleProbeHealthIndicator;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.testkit.SimulatedCredentials;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.RoleProbeActivation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
import org.springframework.boot.health.contributor.Health;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Target 1 for the Spring Boot starter: what one call of the {@code roleProbe} health indicator costs
 * in-process once the verifier is VERIFIED, as Spring Boot's health endpoint makes it per request
 * ({@code /actuator/health}, {@code /actuator/health/roleProbe}, or a group that includes it).
 *
 * <p>The verifier is real: it runs on its own daemon thread and verifies once through the simulator's STS on
 * loopback before measuring. Its refresh interval and maximum age are set to a day so that no background attempt
 * runs during the measurement; its clock is the system clock, as in production.
 *
 * <p>Run: {@code java -jar benchmarks/spring/target/benchmarks-spring.jar -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class SpringProbeReadBenchmark {

    private static final String ROLE = "arn:aws:iam::111122223333:role/orders";

    private EksPodSimulator simulator;
    private IdentityVerifier verifier;
    private RoleProbeHealthIndicator indicator;

    /**
     * Starts the simulator and waits (at most 60 s) until the verifier is VERIFIED.
     *
     * @throws Exception when the verification does not finish or does not verify
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        simulator = EksPodSimulator.builder().start();
        SimulatedCredentials c = simulator.issueCredentials(ROLE, "eks-demo-orders-bench");
        AwsSessionCredentials credentials = AwsSessionCredentials.builder()
                .accessKeyId(c.accessKeyId()).secretAccessKey(c.secretAccessKey()).sessionToken(c.sessionToken())
                .providerName("ContainerCredentialsProvider").build();
        RoleProbeConfig config = RoleProbeConfig.builder()
                .roleArns(List.of(ROLE))
                .region("us-east-1")
                .stsEndpoint(simulator.stsEndpoint().toString())
                .refreshInterval(Duration.ofDays(1))
                .maxAge(Duration.ofDays(1))
                .build();
        PodEnvironment environment = PodEnvironment.of(Map.of(
                PodEnvironment.KUBERNETES_SERVICE_HOST, "10.100.0.1",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"));
        verifier = IdentityVerifier.builder()
                .config(config)
                .environment(environment)
                .credentials(ApplicationCredentials.of(StaticCredentialsProvider.create(credentials)))
                .build();
        verifier.verifyNow().get(60, TimeUnit.SECONDS);
        if (!verifier.ready()) {
            throw new IllegalStateException("benchmark set-up failed to verify: " + verifier.snapshot().state());
        }
        indicator = new RoleProbeHealthIndicator(verifier, RoleProbeActivation.decide(config, environment));
    }

    /** Closes the verifier and the simulator. */
    @TearDown(Level.Trial)
    public void tearDown() {
        verifier.close();
        simulator.close();
    }

    /** @return the indicator's health, with details, as the health endpoint asks for it when details are shown */
    @Benchmark
    public Health springIndicator() {
        return indicator.health();
    }

    /** @return the indicator's health without details, as the endpoint asks for it when details are hidden */
    @Benchmark
    public Health springIndicatorWithoutDetails() {
        return indicator.health(false);
    }
}
