package io.github.roleprobe.benchmarks.sim;

import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.credentials.ApplicationCredentials;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.AttemptReport;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.VerificationListener;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.github.roleprobe.verify.VerificationState;
import java.time.Duration;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.LongConsumer;

/**
 * One simulated pod on a {@link VirtualScheduler}: a real {@link IdentityVerifier} (real backoff, real
 * {@code CallerIdentityClient} and SDK {@code StsClient} calling the simulator's STS on loopback) verifying
 * {@link ModelledPodCredentials} on virtual time.
 *
 * <p>Not thread-safe: driven by the scheduler's thread.
 */
public final class SimulatedPod implements AutoCloseable {

    /** Pod Identity env as the EKS webhook injects it; only its presence matters to the verifier. */
    private static final Map<String, String> POD_IDENTITY_ENV = Map.of(
            "KUBERNETES_SERVICE_HOST", "10.100.0.1",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token");

    private final VirtualClock clock;
    private final ModelledPodCredentials credentials;
    private final IdentityVerifier verifier;
    private final long consistentAtNanos;
    private long stsCalls;
    private long stsCallsBeforeConsistent;
    private long firstVerifiedNanos = -1;

    /**
     * @param simulator STS and key minting
     * @param scheduler the shared virtual scheduler
     * @param config the verifier configuration (its STS endpoint must be the simulator's)
     * @param credentials the modelled credential chain
     * @param consistentAtNanos when the role becomes assumable, virtual nanoseconds
     * @param random jitter source for the backoff
     * @param onStsCall called with the virtual time of each STS call, may be {@code null}
     */
    public SimulatedPod(EksPodSimulator simulator, VirtualScheduler scheduler, RoleProbeConfig config,
            ModelledPodCredentials credentials, long consistentAtNanos, DoubleSupplier random, LongConsumer onStsCall) {
        this.clock = scheduler.clock();
        this.credentials = credentials;
        this.consistentAtNanos = consistentAtNanos;
        Map<String, String> env = credentials.delivery() == ModelledPodCredentials.Delivery.POD_IDENTITY
                ? POD_IDENTITY_ENV
                : Map.of("KUBERNETES_SERVICE_HOST", "10.100.0.1",
                        "AWS_ROLE_ARN", config.roleArns().get(0).toString(),
                        "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token");
        this.verifier = IdentityVerifier.builder()
                .config(config)
                .environment(PodEnvironment.of(env))
                .credentials(ApplicationCredentials.of(credentials))
                .clock(clock)
                .random(random)
                .scheduler(scheduler.newView())
                .listener(new VerificationListener() {
                    @Override
                    public void attemptFinished(AttemptReport report) {
                        if (report.stsCall().isPresent()) {
                            stsCalls++;
                            if (clock.nanos() < consistentAtNanos) {
                                stsCallsBeforeConsistent++;
                            }
                            if (onStsCall != null) {
                                onStsCall.accept(clock.nanos());
                            }
                        }
                    }

                    @Override
                    public void stateChanged(VerificationSnapshot previous, VerificationSnapshot current) {
                        if (current.state() == VerificationState.VERIFIED && firstVerifiedNanos < 0) {
                            firstVerifiedNanos = clock.nanos();
                        }
                    }
                })
                .build();
    }

    /**
     * A configuration with the defaults, pointed at the simulator's STS.
     *
     * @param simulator the simulator
     * @param roleArn the expected role
     * @return a builder to change defaults on
     */
    public static RoleProbeConfig.Builder config(EksPodSimulator simulator, String roleArn) {
        return RoleProbeConfig.builder()
                .roleArns(java.util.List.of(roleArn))
                .region(simulator.region())
                .stsEndpoint(simulator.stsEndpoint().toString());
    }

    /** Starts the verifier: its first attempt is due now. */
    public void start() {
        verifier.start();
    }

    /** @return the verifier */
    public IdentityVerifier verifier() {
        return verifier;
    }

    /** @return the modelled credentials */
    public ModelledPodCredentials credentials() {
        return credentials;
    }

    /** @return STS {@code GetCallerIdentity} calls made */
    public long stsCalls() {
        return stsCalls;
    }

    /** @return STS calls made before the role became assumable */
    public long stsCallsBeforeConsistent() {
        return stsCallsBeforeConsistent;
    }

    /** @return virtual time from which the role can be assumed */
    public long consistentAtNanos() {
        return consistentAtNanos;
    }

    /** @return virtual time of the first VERIFIED snapshot, or -1 */
    public long firstVerifiedNanos() {
        return firstVerifiedNanos;
    }

    /** @return time from consistency to the first VERIFIED snapshot, or null if never verified */
    public Duration timeToReady() {
        return firstVerifiedNanos < 0 ? null : Duration.ofNanos(firstVerifiedNanos - consistentAtNanos);
    }

    /** Closes the verifier (its tasks are cancelled, its STS client released). */
    @Override
    public void close() {
        verifier.close();
    }
}
