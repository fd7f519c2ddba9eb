package io.github.roleprobe.benchmarks.guard;

import io.github.roleprobe.benchmarks.sim.SimulatedPod;
import io.github.roleprobe.benchmarks.sim.VirtualClock;
import io.github.roleprobe.benchmarks.sim.VirtualScheduler;
import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.credentials.ApplicationCredentials;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.guard.GuardMode;
import io.github.roleprobe.guard.RequestGuard;
import io.github.roleprobe.guard.RequestGuardInterceptor;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.testkit.SimulatedCredentials;
import io.github.roleprobe.verify.IdentityVerifier;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SelectedAuthScheme;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.InterceptorContext;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.interceptor.SdkInternalExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthSchemeOption;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityRequest;

/**
 * Issue 10, target 1: what the request guard costs per application request on the hot path, i.e.
 * {@link RequestGuardInterceptor#beforeTransmission} for a client whose access key is known and confirmed as the
 * expected role.
 *
 * <ul>
 *   <li>{@code settled}: a real verifier ({@code role-probe.guard.mode} {@link #mode}) VERIFIED through the
 *       simulator's STS with the same key the request carries, so the guard knows the key without a call; the
 *       interceptor (one instance per SDK client, as the SDK makes them) has seen one request before measuring, so
 *       its client's key is settled. The {@code ExecutionAttributes} are built with the SDK's public API: a
 *       {@link SelectedAuthScheme} (SigV4 signer, {@code aws.auth#sigv4} option) whose identity future is completed
 *       with {@code AwsSessionCredentials} named by the container provider ({@code "z"}, the SDK 2.57 feature id of
 *       {@code ContainerCredentialsProvider}), the service and operation names.</li>
 *   <li>{@code settledRealAttributes}: the same, with the attributes of a real {@code StsClient.getCallerIdentity}
 *       call (copied in {@code beforeTransmission} by an extra interceptor of that client): every attribute the SDK
 *       sets, in the SDK's own map.</li>
 *   <li>{@code noVerifier}, {@code noVerifierRealAttributes}: no verifier in the JVM, so no active guard.</li>
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RequestGuardBenchmark -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class RequestGuardBenchmark {

    static final String ROLE = "arn:aws:iam::111122223333:role/orders";
    /** {@code BusinessMetricFeatureId.CREDENTIALS_HTTP}: how SDK 2.57's container provider names its credentials. */
    static final String CONTAINER_PROVIDER = "z";
    static final Map<String, String> POD_IDENTITY_ENV = Map.of(
            PodEnvironment.KUBERNETES_SERVICE_HOST, "10.100.0.1",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token");

    /** The inputs of one request: what the SDK hands an interceptor. */
    @State(Scope.Benchmark)
    public static class Request {
        EksPodSimulator simulator;
        AwsSessionCredentials credentials;
        Context.BeforeTransmission context;
        ExecutionAttributes built;
        ExecutionAttributes real;

        /** Starts the simulator, mints a key of the expected role and builds both sets of attributes. */
        @Setup(Level.Trial)
        public void setUp() {
            simulator = EksPodSimulator.builder().start();
            SimulatedCredentials c = simulator.issueCredentials(ROLE, "eks-demo-orders-bench");
            credentials = AwsSessionCredentials.builder()
                    .accessKeyId(c.accessKeyId()).secretAccessKey(c.secretAccessKey()).sessionToken(c.sessionToken())
                    .providerName(CONTAINER_PROVIDER).build();
            context = InterceptorContext.builder()
                    .request(GetCallerIdentityRequest.builder().build())
                    .httpRequest(SdkHttpFullRequest.builder().method(SdkHttpMethod.POST)
                            .uri(simulator.stsEndpoint()).build())
                    .build();
            built = ExecutionAttributes.builder()
                    .put(SdkInternalExecutionAttribute.SELECTED_AUTH_SCHEME, new SelectedAuthScheme<AwsCredentialsIdentity>(
                            CompletableFuture.completedFuture(credentials), AwsV4HttpSigner.create(),
                            AuthSchemeOption.builder().schemeId(AwsV4AuthScheme.SCHEME_ID).build()))
                    .put(SdkExecutionAttribute.SERVICE_NAME, "Sts")
                    .put(SdkExecutionAttribute.OPERATION_NAME, "GetCallerIdentity")
                    .build();
            real = capture(simulator, credentials);
        }

        /** Closes the simulator. */
        @TearDown(Level.Trial)
        public void tearDown() {
            simulator.close();
        }
    }

    /** The execution attributes of a real {@code GetCallerIdentity} call, as the SDK hands them to interceptors. */
    static ExecutionAttributes capture(EksPodSimulator simulator, AwsSessionCredentials credentials) {
        AtomicReference<ExecutionAttributes> seen = new AtomicReference<>();
        ExecutionInterceptor copier = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                seen.set(attributes.copy());
            }
        };
        try (StsClient client = StsClient.builder()
                .region(Region.of(simulator.region()))
                .endpointOverride(simulator.stsEndpoint())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .overrideConfiguration(o -> o.addExecutionInterceptor(copier))
                .build()) {
            client.getCallerIdentity();
        }
        ExecutionAttributes attributes = seen.get();
        SelectedAuthScheme<?> scheme = attributes.getAttribute(SdkInternalExecutionAttribute.SELECTED_AUTH_SCHEME);
        if (scheme == null || !(scheme.identity().getNow(null) instanceof AwsCredentialsIdentity)) {
            throw new IllegalStateException("the real call's attributes hold no signed AWS identity: " + scheme);
        }
        return attributes;
    }

    /** A verified verifier with an active guard, and one client (interceptor) per attribute set, keys settled. */
    @State(Scope.Benchmark)
    public static class Guarded {
        @Param({"observe", "enforce"})
        public String mode;

        IdentityVerifier verifier;
        RequestGuardInterceptor builtClient;
        RequestGuardInterceptor realClient;

        /** Verifies the request's key once through the simulator's STS, then lets each client sign once. */
        @Setup(Level.Trial)
        public void setUp(Request request) {
            RoleProbeConfig config = SimulatedPod.config(request.simulator, ROLE)
                    .guardMode(GuardMode.parse(RoleProbeConfig.GUARD_MODE, mode)).build();
            // A virtual scheduler that is never advanced after the first attempt: nothing runs in the background.
            VirtualScheduler scheduler = new VirtualScheduler(new VirtualClock(Instant.now()));
            verifier = IdentityVerifier.builder()
                    .config(config)
                    .environment(PodEnvironment.of(POD_IDENTITY_ENV))
                    .credentials(ApplicationCredentials.of(StaticCredentialsProvider.create(request.credentials)))
                    .scheduler(scheduler.newView())
                    .build()
                    .start();
            scheduler.runUntil(0);
            if (!verifier.ready()) {
                throw new IllegalStateException("benchmark set-up failed to verify: " + verifier.snapshot());
            }
            long calls = verifier.snapshot().stsCalls();
            builtClient = new RequestGuardInterceptor();
            realClient = new RequestGuardInterceptor();
            builtClient.beforeTransmission(request.context, request.built);
            realClient.beforeTransmission(request.context, request.real);
            RequestGuard guard = verifier.guard().orElseThrow();
            List<Map<String, Object>> clients = guard.clientDetails();
            // Both clients on the verified key (the capturing call ran before the verifier existed), no STS call.
            if (clients.size() != 2 || !clients.stream().allMatch(c -> "expected".equals(c.get("identity"))
                    && !c.containsKey("note")) || verifier.snapshot().stsCalls() != calls || !verifier.ready()) {
                throw new IllegalStateException("clients not settled as expected: " + clients + " "
                        + verifier.snapshot());
            }
        }

        /** Closes the verifier. */
        @TearDown(Level.Trial)
        public void tearDown() {
            verifier.close();
        }
    }

    /** A client of a JVM without any verifier: no active guard. */
    @State(Scope.Benchmark)
    public static class Unguarded {
        RequestGuardInterceptor client;

        /** Creates the client's interceptor. */
        @Setup(Level.Trial)
        public void setUp() {
            client = new RequestGuardInterceptor();
        }
    }

    /**
     * @param request the request
     * @param guarded the client and its verifier
     */
    @Benchmark
    public void settled(Request request, Guarded guarded) {
        guarded.builtClient.beforeTransmission(request.context, request.built);
    }

    /**
     * @param request the request
     * @param guarded the client and its verifier
     */
    @Benchmark
    public void settledRealAttributes(Request request, Guarded guarded) {
        guarded.realClient.beforeTransmission(request.context, request.real);
    }

    /**
     * @param request the request
     * @param unguarded the client
     */
    @Benchmark
    public void noVerifier(Request request, Unguarded unguarded) {
        unguarded.client.beforeTransmission(request.context, request.built);
    }

    /**
     * @param request the request
     * @param unguarded the client
     */
    @Benchmark
    public void noVerifierRealAttributes(Request request, Unguarded unguarded) {
        unguarded.client.beforeTransmission(request.context, request.real);
    }
}
