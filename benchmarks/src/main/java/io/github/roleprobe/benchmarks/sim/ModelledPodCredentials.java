package io.github.roleprobe.benchmarks.sim;

import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.testkit.SimulatedCredentials;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The credentials one pod's default credential provider chain resolves, modelled on a {@link VirtualClock}
 * so that a day of rotations takes no wall-clock time. The keys are minted by an {@link EksPodSimulator}
 * ({@link EksPodSimulator#issueCredentials(String, String)}), so the verifier's STS calls still go through
 * the real SDK {@code StsClient} to the simulator's STS, which checks their signatures and counts them.
 *
 * <p>What is modelled, from the AWS SDK for Java v2 2.57 sources:
 * <ul>
 *   <li><b>Before the association (or the IRSA trust) is effective</b> ({@code consistentAt}): the Pod
 *       Identity agent (or {@code AssumeRoleWithWebIdentity}) fails and the chain falls through to the
 *       instance profile: the node role when IMDS serves it (session name = instance id), else the chain
 *       fails ({@link SdkClientException}). Failures are not cached, as with the fresh chain the verifier
 *       builds per attempt until verified.</li>
 *   <li><b>EKS Pod Identity</b>: {@code ContainerCredentialsProvider} caches what the agent answers and
 *       fetches again at its prefetch time, {@code min(fetch + 1 h, expiration - 15 min)}. The agent is
 *       modelled as handing out a <em>new</em> key pair, valid {@code agentSession} (6 h), on every fetch:
 *       an upper bound on key changes (an agent that caches its session hands out the same key longer).</li>
 *   <li><b>IRSA</b>: {@code StsWebIdentityTokenFileCredentialsProvider} caches the
 *       {@code AssumeRoleWithWebIdentity} answer (default session 1 h) and fetches again 5 min before it
 *       expires ({@code StsCredentialsProvider} prefetch time), so a new key every 55 min.</li>
 * </ul>
 *
 * <p>Not thread-safe: resolved on the virtual scheduler's thread.
 */
public final class ModelledPodCredentials implements AwsCredentialsProvider {

    /** How the pod's role credentials are delivered. */
    public enum Delivery {
        /** EKS Pod Identity agent through the container credentials provider. */
        POD_IDENTITY,
        /** IRSA: web identity token file and {@code AssumeRoleWithWebIdentity}. */
        IRSA
    }

    private static final Duration CONTAINER_MAX_CACHE = Duration.ofHours(1);
    private static final Duration CONTAINER_PREFETCH_BEFORE_EXPIRY = Duration.ofMinutes(15);
    private static final Duration STS_PREFETCH_BEFORE_EXPIRY = Duration.ofMinutes(5);
    private static final Duration IMDS_ROTATION = Duration.ofHours(1);

    private final EksPodSimulator simulator;
    private final VirtualClock clock;
    private final Delivery delivery;
    private final String roleArn;
    private final String podName;
    private final long consistentAtNanos;
    private final boolean imdsServesNodeRole;
    private final String nodeRoleArn;
    private final String instanceId;
    private final Duration agentSession;
    private final Duration irsaSession;

    private String webIdentityFailure = TRUST_REFUSED;

    /** The web identity provider's message when the role's trust policy refuses the cluster (the SDK sends one request). */
    public static final String TRUST_REFUSED = "Not authorized to perform sts:AssumeRoleWithWebIdentity (Service: Sts,"
            + " Status Code: 403).";
    /** Its message when STS answers {@code Throttling} (after the SDK's own retries: 4 requests). */
    public static final String THROTTLED = "Rate exceeded (Service: Sts, Status Code: 400).";
    /** Its message when STS answers 503 (after the SDK's own retries: 4 requests). */
    public static final String UNAVAILABLE = "Service Unavailable (Service: Sts, Status Code: 503).";

    private AwsCredentials cached;
    private long cachePrefetchNanos;
    private AwsCredentials node;
    private long nodeMintedNanos;

    private long roleFetches;
    private long failedRoleFetches;
    private long imdsFetches;

    /**
     * @param simulator mints the keys; its STS answers for them
     * @param clock the virtual clock
     * @param delivery Pod Identity or IRSA
     * @param roleArn the role the pod's association (or service account) names
     * @param podName part of Pod Identity session names
     * @param consistentAtNanos virtual time from which the role can be assumed
     * @param imdsServesNodeRole whether IMDS answers the node role (else the chain fails while waiting, as
     *     with {@code AWS_EC2_METADATA_DISABLED=true} or an IMDS hop limit of 1)
     * @param nodeRoleArn the node's instance-profile role
     * @param instanceId the node's EC2 instance id
     */
    public ModelledPodCredentials(EksPodSimulator simulator, VirtualClock clock, Delivery delivery, String roleArn,
            String podName, long consistentAtNanos, boolean imdsServesNodeRole, String nodeRoleArn, String instanceId) {
        this.simulator = simulator;
        this.clock = clock;
        this.delivery = delivery;
        this.roleArn = roleArn;
        this.podName = podName;
        this.consistentAtNanos = consistentAtNanos;
        this.imdsServesNodeRole = imdsServesNodeRole;
        this.nodeRoleArn = nodeRoleArn;
        this.instanceId = instanceId;
        this.agentSession = Duration.ofHours(6);
        this.irsaSession = Duration.ofHours(1);
    }

    /**
     * Sets what the web identity provider says while the role cannot be assumed (IRSA only).
     *
     * @param message {@link #TRUST_REFUSED} (the default), {@link #THROTTLED} or {@link #UNAVAILABLE}
     * @return this
     */
    public ModelledPodCredentials webIdentityFailure(String message) {
        this.webIdentityFailure = message;
        return this;
    }

    @Override
    public AwsCredentials resolveCredentials() {
        long now = clock.nanos();
        if (now < consistentAtNanos) {
            failedRoleFetches++;
            if (imdsServesNodeRole) {
                return nodeRole(now);
            }
            // Worded like the SDK chain's message (AwsCredentialsProviderChain, 2.57), so that role-probe's diagnosis
            // reads it as it reads the real one: the container provider (or the web identity provider) failed.
            throw SdkClientException.create("Unable to load credentials from any of the providers in the chain"
                    + " AwsCredentialsProviderChain(credentialsProviders=[modelled]) : ["
                    + (delivery == Delivery.POD_IDENTITY
                            ? "ContainerCredentialsProvider(): Failed to load credentials from metadata service."
                            : "WebIdentityTokenFileCredentialsProvider(): " + webIdentityFailure)
                    + " (modelled: the role cannot be assumed yet), InstanceProfileCredentialsProvider(): Failed to load"
                    + " credentials from IMDS. (modelled: IMDS is unavailable)]");
        }
        if (cached == null || now >= cachePrefetchNanos) {
            fetchRole(now);
        }
        return cached;
    }

    private void fetchRole(long now) {
        roleFetches++;
        Instant at = clock.instant();
        if (delivery == Delivery.POD_IDENTITY) {
            String session = "eks-sim-" + podName + "-" + UUID.randomUUID();
            SimulatedCredentials c = simulator.issueCredentials(roleArn,
                    session.length() > 64 ? session.substring(0, 64) : session);
            Instant expiration = at.plus(agentSession);
            cached = credentials(c, expiration, "ContainerCredentialsProvider");
            Instant prefetch = min(at.plus(CONTAINER_MAX_CACHE), expiration.minus(CONTAINER_PREFETCH_BEFORE_EXPIRY));
            cachePrefetchNanos = now + Duration.between(at, prefetch).toNanos();
        } else {
            SimulatedCredentials c = simulator.issueCredentials(roleArn, "aws-sdk-java-" + at.toEpochMilli());
            Instant expiration = at.plus(irsaSession);
            cached = credentials(c, expiration, "WebIdentityTokenCredentialsProvider");
            cachePrefetchNanos = now + irsaSession.minus(STS_PREFETCH_BEFORE_EXPIRY).toNanos();
        }
    }

    private AwsCredentials nodeRole(long now) {
        if (node == null || now - nodeMintedNanos >= IMDS_ROTATION.toNanos()) {
            imdsFetches++;
            SimulatedCredentials c = simulator.issueCredentials(nodeRoleArn, instanceId);
            node = credentials(c, clock.instant().plus(Duration.ofHours(6)), "InstanceProfileCredentialsProvider");
            nodeMintedNanos = now;
        }
        return node;
    }

    private static AwsCredentials credentials(SimulatedCredentials c, Instant expiration, String providerName) {
        return AwsSessionCredentials.builder()
                .accessKeyId(c.accessKeyId())
                .secretAccessKey(c.secretAccessKey())
                .sessionToken(c.sessionToken())
                .expirationTime(expiration)
                .providerName(providerName)
                .build();
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** @return successful fetches of role credentials (agent requests, or {@code AssumeRoleWithWebIdentity} calls) */
    public long roleFetches() {
        return roleFetches;
    }

    /**
     * @return resolutions before the role could be assumed: one per verifier attempt in the wait, each a failed
     *     agent request (Pod Identity) or {@code AssumeRoleWithWebIdentity} call (IRSA), followed, when IMDS serves
     *     the node role, by an IMDS credential fetch in the SDK (a fresh chain per attempt; the model reuses the
     *     node key and counts only new ones in {@link #imdsFetches()})
     */
    public long failedRoleFetches() {
        return failedRoleFetches;
    }

    /** @return node-role keys minted (the model's IMDS cache misses, not the SDK's per-chain fetches) */
    public long imdsFetches() {
        return imdsFetches;
    }

    /** @return the delivery modelled */
    public Delivery delivery() {
        return delivery;
    }
}
