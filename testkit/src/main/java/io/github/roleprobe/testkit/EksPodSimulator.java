package io.github.roleprobe.testkit;

import io.github.roleprobe.testkit.internal.Arns;
import io.github.roleprobe.testkit.internal.Counters;
import io.github.roleprobe.testkit.internal.CredentialRegistry;
import io.github.roleprobe.testkit.internal.DateHeaderProxy;
import io.github.roleprobe.testkit.internal.Imds;
import io.github.roleprobe.testkit.internal.IssuedCredentials;
import io.github.roleprobe.testkit.internal.LoopbackServer;
import io.github.roleprobe.testkit.internal.PodIdentityAgent;
import io.github.roleprobe.testkit.internal.RequestHolds;
import io.github.roleprobe.testkit.internal.ScenarioConfig;
import io.github.roleprobe.testkit.internal.Sqs;
import io.github.roleprobe.testkit.internal.SqsOperations;
import io.github.roleprobe.testkit.internal.SqsQueues;
import io.github.roleprobe.testkit.internal.Sts;
import io.github.roleprobe.testkit.internal.SystemPropertiesSwap;
import io.github.roleprobe.testkit.internal.TokenFileDamage;
import io.github.roleprobe.testkit.internal.TokenFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A simulated EKS pod world on 127.0.0.1: the EKS Pod Identity agent, IMDSv2 with the node role,
 * an IRSA web identity token file, a regional STS and a minimal regional SQS (to see which identity an
 * application's own AWS clients sign with), each on its own ephemeral port, reached by the real AWS
 * SDKs through {@link #systemProperties()} (in-process) or {@link #environment()} (child processes).
 *
 * <p>Create one with {@link #builder()} and {@link Builder#start()}; {@link #close()} stops every
 * server, releases held requests, deletes the temporary files and restores system properties set by
 * {@link #applySystemProperties()}. All methods are thread-safe.
 */
public final class EksPodSimulator implements AutoCloseable {

    /** Every JVM system property the simulator sets or clears in {@link #applySystemProperties()}. */
    private static final Set<String> MANAGED_PROPERTIES = Set.of(
            "aws.accessKeyId", "aws.secretAccessKey", "aws.sessionToken", "aws.accountId",
            "aws.webIdentityTokenFile", "aws.roleArn", "aws.roleSessionName", "aws.region",
            "aws.disableEc2Metadata", "aws.disableEc2MetadataV1", "aws.ec2MetadataServiceEndpoint",
            "aws.ec2MetadataServiceEndpointMode", "aws.containerServiceEndpoint", "aws.containerCredentialsPath",
            "aws.containerCredentialsFullUri", "aws.containerAuthorizationToken", "aws.containerAuthorizationTokenFile",
            "aws.endpointUrlSts", "aws.endpointUrlSqs", "aws.ignoreConfiguredEndpointUrls", "aws.configFile", "aws.sharedCredentialsFile",
            "aws.profile");

    private final ScenarioConfig config;
    private final Path directory;
    private final Path sharedCredentialsFile;
    private final Path configFile;
    private final Path podIdentityTokenFile;
    private final Path webIdentityTokenFile;
    private final CredentialRegistry registry;
    private final Counters counters = new Counters();
    private final SimulatorCounters countersView = new SimulatorCounters(counters);
    private final RequestHolds holds = new RequestHolds();
    private final SystemPropertiesSwap propertiesSwap = new SystemPropertiesSwap(MANAGED_PROPERTIES);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final PodIdentityAgent agent;
    private final Sts sts;
    private final Imds imds;
    private final LoopbackServer stsServer;
    private final DateHeaderProxy stsProxy;
    private final LoopbackServer agentServer;
    private final String podIdentityToken;
    private TokenFileProblem tokenFileProblem = TokenFileProblem.NONE;
    private final SqsQueues sqsQueues = new SqsQueues();
    private final LoopbackServer sqsServer;
    private volatile boolean closed;

    private EksPodSimulator(ScenarioConfig config) {
        this.config = config;
        Clock clock = Clock.systemUTC();
        Instant now = clock.instant();
        this.registry = new CredentialRegistry(clock, config.credentialsLifetime());
        try {
            directory = Files.createTempDirectory("role-probe-sim-");
            sharedCredentialsFile = Files.createFile(directory.resolve("credentials"));
            configFile = Files.createFile(directory.resolve("config"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the simulator's temporary files", e);
        }
        String oidcId = registry.randomUpperAlnum(32);
        String issuer = "https://oidc.eks." + config.region() + ".amazonaws.com/id/" + oidcId;
        String subject = "system:serviceaccount:default:" + config.podName();
        try {
            String podToken = null;
            if (config.podIdentityRoleArn() != null) {
                podIdentityTokenFile = directory.resolve("eks-pod-identity-token");
                podToken = TokenFiles.write(podIdentityTokenFile, issuer, subject, "pods.eks.amazonaws.com",
                        now.plus(Duration.ofHours(24)), registry);
            } else {
                podIdentityTokenFile = null;
            }
            String webToken = null;
            if (config.irsaRoleArn() != null) {
                webIdentityTokenFile = directory.resolve("web-identity-token");
                webToken = TokenFiles.write(webIdentityTokenFile, issuer, subject, "sts.amazonaws.com",
                        now.plus(Duration.ofHours(24)), registry);
            } else {
                webIdentityTokenFile = null;
            }
            podIdentityToken = podToken;
            Clock stsClock = Clock.offset(clock, config.stsClockOffset());
            sts = new Sts(config, registry, counters, holds, stsClock, webToken, issuer.substring("https://".length()));
            stsServer = track(LoopbackServer.start("sts", 0, 32, sts));
            // the JDK server stamps Date with the real time; a skewed STS must report its own
            stsProxy = config.stsClockOffset().isZero() ? null
                    : track(DateHeaderProxy.start("sts-clock", stsServer.port(), stsClock));
            if (podToken != null) {
                agent = new PodIdentityAgent(config, podToken, registry, counters, holds, clock, now);
                agentServer = track(LoopbackServer.start("pod-identity-agent", 0, 16, agent));
            } else {
                agent = null;
                agentServer = null;
            }
            if (agent != null && config.tokenFileProblem() != TokenFileProblem.NONE) {
                TokenFileDamage.apply(podIdentityTokenFile, podToken, config.tokenFileProblem());
                tokenFileProblem = config.tokenFileProblem();
            }
            imds = track(new Imds(config, registry, counters, holds, clock));
            for (String queue : config.sqsQueues()) {
                sqsQueues.create(config.accountId(), queue);
            }
            sqsServer = track(LoopbackServer.start("sqs", 0, 16,
                    new Sqs(config.region(), registry, counters, clock, sqsQueues)));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private <T extends AutoCloseable> T track(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    /** @return a new builder with the defaults described on each of its methods; not thread-safe */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The caller ARN prefix STS reports for any session of a role: the role path is dropped.
     *
     * @param roleArn an IAM role ARN such as {@code arn:aws:iam::111122223333:role/team/app/orders}
     * @return e.g. {@code arn:aws:sts::111122223333:assumed-role/orders/}
     * @throws IllegalArgumentException if {@code roleArn} is not an IAM role ARN
     */
    public static String assumedRoleArn(String roleArn) {
        return Arns.assumedRoleArnPrefix(roleArn);
    }

    // ---------------------------------------------------------------- identity

    /** @return the 12-digit account id */
    public String accountId() {
        return config.accountId();
    }

    /**
     * @return the AWS region the simulated pod runs in, e.g. {@code us-east-1}: STS and SQS accept only
     *     signatures scoped to it and IMDS reports it, even when {@link Builder#noRegion()} keeps it out
     *     of {@link #systemProperties()} and {@link #environment()}
     */
    public String region() {
        return config.region();
    }

    /** @return the EKS cluster name */
    public String clusterName() {
        return config.clusterName();
    }

    /** @return the pod name */
    public String podName() {
        return config.podName();
    }

    /**
     * @return the Pod Identity association's role ARN (the "EKS Pod Identity role"), or null if Pod
     *     Identity is off; the pod's credentials are for this role unless the association has a
     *     {@link #podIdentityTargetRoleArn() target role}
     */
    public String podIdentityRoleArn() {
        return config.podIdentityRoleArn();
    }

    /**
     * @return the Pod Identity association's target role ARN, possibly in another account, or null if
     *     the association has none (or Pod Identity is off); see {@link Builder#podIdentityTargetRole(String)}
     */
    public String podIdentityTargetRoleArn() {
        return config.podIdentityTargetRoleArn();
    }

    /** @return the IRSA role ARN, or null if IRSA is off */
    public String irsaRoleArn() {
        return config.irsaRoleArn();
    }

    /** @return the node's instance-profile role ARN */
    public String nodeRoleArn() {
        return config.nodeRoleArn();
    }

    /** @return the EC2 instance id (the node role's session name) */
    public String instanceId() {
        return config.instanceId();
    }

    /** @return the caller ARN of the node role, {@code arn:aws:sts::<acct>:assumed-role/<node role>/<instance id>} */
    public String nodeRoleCallerArn() {
        return assumedRoleArn(config.nodeRoleArn()) + config.instanceId();
    }

    /**
     * @return the full caller ARN of the credentials the Pod Identity agent hands out now (session
     *     {@code eks-<cluster>-<pod>-<uuid>}, at most 64 characters): a session of the
     *     {@link #podIdentityTargetRoleArn() target role} when the association has one, else of
     *     {@link #podIdentityRoleArn()}
     * @throws IllegalStateException if Pod Identity is off
     */
    public String podIdentityCallerArn() {
        return requireAgent().currentCredentials().callerArn();
    }

    /**
     * Mints new credentials for a session of {@code roleArn}, as the Pod Identity agent, IMDS or
     * {@code AssumeRoleWithWebIdentity} would, without any request: the simulator's STS accepts them
     * and answers their caller ARN. They expire after the configured
     * {@link Builder#credentialsLifetime(Duration) lifetime}; their secrets are reported by
     * {@link #issuedSecrets()}. Counts no request.
     *
     * <p>For simulations that model when credentials appear and rotate themselves (on a simulated
     * clock, for thousands of pods) while their STS calls still go through the real SDK to this
     * simulator.
     *
     * @param roleArn     the role, e.g. {@code arn:aws:iam::111122223333:role/orders}
     * @param sessionName the role session name, e.g. an EC2 instance id for a node role
     * @return the credentials
     * @throws IllegalArgumentException if {@code roleArn} is not an IAM role ARN or the session name is blank
     * @throws IllegalStateException if the simulator is closed
     */
    public SimulatedCredentials issueCredentials(String roleArn, String sessionName) {
        return issueCredentials(roleArn, sessionName, Instant.now().plus(config.credentialsLifetime()));
    }

    /**
     * Like {@link #issueCredentials(String, String)}, with an expiration of the caller's choice: one
     * in the past gives credentials that the simulator's STS and SQS recognise but reject as expired
     * ({@code ExpiredToken}), without waiting.
     *
     * @param roleArn     the role, e.g. {@code arn:aws:iam::111122223333:role/orders}
     * @param sessionName the role session name
     * @param expiration  when the simulator stops accepting them (truncated to whole seconds); any instant
     * @return the credentials
     * @throws IllegalArgumentException if {@code roleArn} is not an IAM role ARN or the session name is blank
     * @throws NullPointerException if {@code expiration} is null
     * @throws IllegalStateException if the simulator is closed
     */
    public SimulatedCredentials issueCredentials(String roleArn, String sessionName, Instant expiration) {
        requireOpen();
        Arns.requireRoleArn(roleArn);
        if (sessionName == null || sessionName.isBlank()) {
            throw new IllegalArgumentException("sessionName must not be blank");
        }
        IssuedCredentials c = registry.issue(roleArn, sessionName, Objects.requireNonNull(expiration, "expiration"));
        return new SimulatedCredentials(c.accessKeyId(), c.secretAccessKey(), c.sessionToken(), c.expiration(),
                c.callerArn());
    }

    // ---------------------------------------------------------------- endpoints

    /**
     * @return STS endpoint, {@code http://127.0.0.1:<port>} (with a {@link Builder#stsClockOffset(Duration)
     *     clock offset}, a proxy that reports STS's clock in each response's {@code Date} header)
     */
    public URI stsEndpoint() {
        return URI.create("http://127.0.0.1:" + (stsProxy != null ? stsProxy.port() : stsServer.port()));
    }

    /**
     * @return the SQS endpoint, {@code http://127.0.0.1:<port>}: AWS JSON 1.0 ({@code X-Amz-Target:
     *     AmazonSQS.<Operation>}), SigV4 verified for the service {@code sqs} in {@link #region()}
     */
    public URI sqsEndpoint() {
        return URI.create("http://127.0.0.1:" + sqsServer.port());
    }

    /**
     * @param queueName a queue name, e.g. {@code orders}
     * @return the URL the simulated SQS gives that queue in {@link #accountId()},
     *     {@code http://127.0.0.1:<port>/<accountId>/<queueName>}, whether or not it exists yet
     * @throws IllegalArgumentException if the name is blank
     */
    public String sqsQueueUrl(String queueName) {
        if (queueName == null || queueName.isBlank()) {
            throw new IllegalArgumentException("queueName must not be blank");
        }
        return SqsOperations.queueUrl(sqsEndpoint().toString(), config.accountId(), queueName);
    }

    /**
     * @param queueName a queue name in {@link #accountId()}
     * @return how many messages wait in it to be received (received ones are not counted), or -1 if
     *     no such queue exists
     */
    public int sqsVisibleMessages(String queueName) {
        return sqsQueues.visibleCount(config.accountId(), queueName);
    }

    /** @return IMDS endpoint, {@code http://127.0.0.1:<port>} (nothing listens when {@link ImdsMode#ABSENT}) */
    public URI imdsEndpoint() {
        return URI.create("http://127.0.0.1:" + imds.port());
    }

    /**
     * @return the Pod Identity agent's credentials URI, {@code http://127.0.0.1:<port>/v1/credentials}
     * @throws IllegalStateException if Pod Identity is off
     */
    public URI podIdentityAgentUri() {
        requireAgent();
        return URI.create("http://127.0.0.1:" + agentServer.port() + PodIdentityAgent.PATH);
    }

    /**
     * @return the path the Pod Identity token file setting names (normally a file holding the token,
     *     without a trailing newline; see {@link #podIdentityTokenFileProblem()}), or null if Pod Identity is off
     */
    public Path podIdentityTokenFile() {
        return podIdentityTokenFile;
    }

    /** @return the Pod Identity token file's current state ({@link TokenFileProblem#NONE} without Pod Identity) */
    public synchronized TokenFileProblem podIdentityTokenFileProblem() {
        return tokenFileProblem;
    }

    /** @return the IRSA web identity token file, or null if IRSA is off */
    public Path webIdentityTokenFile() {
        return webIdentityTokenFile;
    }

    // ---------------------------------------------------------------- controls

    /** Makes the Pod Identity association effective now; a no-op if Pod Identity is off. */
    public void makeAssociationConsistent() {
        if (agent != null) {
            agent.makeConsistent();
        }
    }

    /**
     * Starts or ends an outage of the Pod Identity agent: while one lasts, every request fails as
     * {@code failure} says (before the token is even looked at), whether or not the association is
     * effective; requests are still counted.
     *
     * @param failure how every request fails from now on, or null to end the outage
     * @throws IllegalStateException if Pod Identity is off
     */
    public void setAgentOutage(AgentFailure failure) {
        requireAgent().setOutage(failure);
    }

    /**
     * @return the current agent outage, or null if there is none
     * @throws IllegalStateException if Pod Identity is off
     */
    public AgentFailure agentOutage() {
        return requireAgent().outage();
    }

    /**
     * Puts the Pod Identity token file into the given state now; {@link TokenFileProblem#NONE} repairs it.
     * The settings keep naming the same path, and the agent keeps accepting only the original token.
     *
     * @param problem the state
     * @throws IllegalStateException if Pod Identity is off or the simulator is closed
     * @throws java.io.UncheckedIOException if the file system refuses
     * @throws UnsupportedOperationException for {@link TokenFileProblem#UNREADABLE} without POSIX permissions
     */
    public synchronized void setPodIdentityTokenFileProblem(TokenFileProblem problem) {
        requireOpen();
        requireAgent();
        TokenFileDamage.apply(podIdentityTokenFile, podIdentityToken, Objects.requireNonNull(problem, "problem"));
        tokenFileProblem = problem;
    }

    /** @param down true: STS answers 503 {@code ServiceUnavailable} to every request until set to false */
    public void stsDown(boolean down) {
        sts.down(down);
    }

    /**
     * Makes the next {@code count} STS requests (after failures already queued) fail.
     *
     * @param count   number of requests, at least 0
     * @param failure how they fail
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public void stsFailNext(int count, StsFailure failure) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0");
        }
        sts.failNext(count, Objects.requireNonNull(failure, "failure"));
    }

    /**
     * The agent hands out a newly minted key pair from now on; earlier pairs stay valid in STS
     * until they expire.
     *
     * @throws IllegalStateException if Pod Identity is off
     */
    public void rotatePodIdentityCredentials() {
        requireAgent().rotate();
    }

    /**
     * Changes IMDS behaviour while running ({@link ImdsMode#ABSENT} stops listening on its port, which
     * stays reserved for IMDS: connections are refused, and the port is not handed to anyone else).
     *
     * @param mode the new mode
     * @throws IllegalStateException if closed
     * @throws java.io.UncheckedIOException only on an OS that cannot keep the port reserved while IMDS
     *         listens on it (not Linux), if another process took the port in the moment between
     */
    public void setImdsMode(ImdsMode mode) {
        imds.setMode(Objects.requireNonNull(mode, "mode"));
    }

    /** @return the current IMDS mode */
    public ImdsMode imdsMode() {
        return imds.mode();
    }

    // ---------------------------------------------------------------- reading

    /** @return the live request counters */
    public SimulatorCounters counters() {
        return countersView;
    }

    /**
     * @return every secret access key, session token, web identity / Pod Identity token and IMDS
     *     token handed out so far (a snapshot); tests scan logs for these
     */
    public Set<String> issuedSecrets() {
        return registry.secrets();
    }

    /**
     * The AWS SDK for Java v2 system properties that point the SDK at this simulator. Keys: always
     * {@code aws.region} (unless {@link Builder#noRegion()}), {@code aws.endpointUrlSts}, {@code aws.endpointUrlSqs} (the SDK's
     * service-specific endpoint setting, read by every SQS client), {@code aws.ec2MetadataServiceEndpoint},
     * {@code aws.sharedCredentialsFile} and {@code aws.configFile} (empty files); with Pod Identity
     * {@code aws.containerCredentialsFullUri} and {@code aws.containerAuthorizationTokenFile}; with
     * IRSA {@code aws.webIdentityTokenFile} and {@code aws.roleArn}.
     *
     * @return an unmodifiable, ordered map
     */
    public Map<String, String> systemProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        if (config.regionInSettings()) {
            p.put("aws.region", config.region());
        }
        p.put("aws.endpointUrlSts", stsEndpoint().toString());
        p.put("aws.endpointUrlSqs", sqsEndpoint().toString());
        p.put("aws.ec2MetadataServiceEndpoint", imdsEndpoint().toString());
        if (agent != null) {
            p.put("aws.containerCredentialsFullUri", podIdentityAgentUri().toString());
            p.put("aws.containerAuthorizationTokenFile", podIdentityTokenFile.toString());
        }
        if (webIdentityTokenFile != null) {
            p.put("aws.webIdentityTokenFile", webIdentityTokenFile.toString());
            p.put("aws.roleArn", config.irsaRoleArn());
        }
        p.put("aws.sharedCredentialsFile", sharedCredentialsFile.toString());
        p.put("aws.configFile", configFile.toString());
        return Collections.unmodifiableMap(p);
    }

    /**
     * Sets {@link #systemProperties()} in this JVM and clears the other AWS SDK properties that
     * would change credential resolution (static keys, profile, other container settings, ...).
     * The values seen before the first call are restored by {@link #restoreSystemProperties()} or
     * {@link #close()}. Environment variables of this JVM cannot be changed: an {@code AWS_ACCESS_KEY_ID}
     * set in the test's environment still wins over the simulator.
     */
    public void applySystemProperties() {
        requireOpen();
        propertiesSwap.apply(systemProperties());
    }

    /** Puts back the system properties seen before {@link #applySystemProperties()}; no-op if not applied. */
    public void restoreSystemProperties() {
        propertiesSwap.restore();
    }

    /**
     * The same settings as environment variables for a child process: {@code AWS_REGION},
     * {@code AWS_ENDPOINT_URL_STS}, {@code AWS_ENDPOINT_URL_SQS}, {@code AWS_STS_REGIONAL_ENDPOINTS=regional}
     * (with {@link Builder#noRegion()}: neither {@code AWS_REGION} nor {@code AWS_STS_REGIONAL_ENDPOINTS}),
     * {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}, {@code AWS_SHARED_CREDENTIALS_FILE},
     * {@code AWS_CONFIG_FILE}; with Pod Identity {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} and
     * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE}; with IRSA {@code AWS_ROLE_ARN} and
     * {@code AWS_WEB_IDENTITY_TOKEN_FILE}; in Kubernetes {@code KUBERNETES_SERVICE_HOST} and
     * {@code KUBERNETES_SERVICE_PORT}. No value is a secret.
     *
     * @return an unmodifiable, ordered map
     */
    public Map<String, String> environment() {
        Map<String, String> e = new LinkedHashMap<>();
        if (config.regionInSettings()) {
            e.put("AWS_REGION", config.region());
        }
        e.put("AWS_ENDPOINT_URL_STS", stsEndpoint().toString());
        e.put("AWS_ENDPOINT_URL_SQS", sqsEndpoint().toString());
        if (config.regionInSettings()) {
            e.put("AWS_STS_REGIONAL_ENDPOINTS", "regional");
        }
        e.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", imdsEndpoint().toString());
        if (agent != null) {
            e.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", podIdentityAgentUri().toString());
            e.put("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", podIdentityTokenFile.toString());
        }
        if (webIdentityTokenFile != null) {
            e.put("AWS_ROLE_ARN", config.irsaRoleArn());
            e.put("AWS_WEB_IDENTITY_TOKEN_FILE", webIdentityTokenFile.toString());
        }
        e.put("AWS_SHARED_CREDENTIALS_FILE", sharedCredentialsFile.toString());
        e.put("AWS_CONFIG_FILE", configFile.toString());
        if (config.inKubernetes()) {
            e.put("KUBERNETES_SERVICE_HOST", "127.0.0.1");
            e.put("KUBERNETES_SERVICE_PORT", "443");
        }
        return Collections.unmodifiableMap(e);
    }

    /**
     * Prepares a child process environment (such as {@link ProcessBuilder#environment()}): removes
     * every {@code AWS_*} and {@code KUBERNETES_SERVICE_*} variable inherited from this process, then
     * adds {@link #environment()}.
     *
     * @param processEnvironment the mutable environment to change
     */
    public void applyEnvironment(Map<String, String> processEnvironment) {
        processEnvironment.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("KUBERNETES_SERVICE_"));
        processEnvironment.putAll(environment());
    }

    /**
     * Stops all servers at once, releases held requests, restores system properties and deletes the
     * temporary files. With an {@link Builder#stsClockOffset(Duration) STS clock offset} it also sets the
     * AWS SDK for Java's JVM-wide clock correction ({@code software.amazon.awssdk.core.SdkGlobalTime}) back
     * to zero if the SDK is on the class path: once an SDK client has corrected its clock from a skewed
     * STS, every client created later in the JVM starts from that correction, which would skew their
     * requests to the next simulator. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        holds.releaseAll();
        propertiesSwap.restore();
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // keep closing the rest
            }
        }
        deleteDirectory();
        if (config.stsClockOffset() != null && !config.stsClockOffset().isZero()) {
            resetSdkGlobalTimeOffset();
        }
    }

    private static void resetSdkGlobalTimeOffset() {
        try {
            Class.forName("software.amazon.awssdk.core.SdkGlobalTime").getMethod("setGlobalTimeOffset", int.class)
                    .invoke(null, 0);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException notThere) {
            // the SDK is not on the class path (or changed): nothing to reset
        }
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "EksPodSimulator[region=" + config.region() + ", podIdentity=" + config.podIdentityRoleArn()
                + (config.podIdentityTargetRoleArn() == null ? "" : ", target=" + config.podIdentityTargetRoleArn())
                + ", irsa=" + config.irsaRoleArn() + ", imds=" + imds.mode() + ", sts=" + (stsServer == null ? "-" : stsEndpoint())
                + ", sqs=" + (sqsServer == null ? "-" : sqsEndpoint()) + "]";
    }

    private PodIdentityAgent requireAgent() {
        if (agent == null) {
            throw new IllegalStateException("Pod Identity is not enabled in this simulator (Builder.podIdentity)");
        }
        return agent;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("simulator is closed");
        }
    }

    private void deleteDirectory() {
        if (directory == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp directory
        }
    }

    /**
     * Describes a scenario and starts it. Not thread-safe; {@link #start()} may be called more than
     * once (each call starts an independent simulator with new ports, keys and files).
     */
    public static final class Builder {
        private String region = "us-east-1";
        private String accountId = "111122223333";
        private String clusterName = "demo";
        private String podName = "app-5d8f7b9c6d-x2k4q";
        private String podIdentityRoleArn;
        private Duration consistentAfter;
        private int consistentAfterRequests;
        private AgentFailure agentFailure = AgentFailure.FORBIDDEN_403;
        private String irsaRoleArn;
        private boolean inKubernetes = true;
        private ImdsMode imdsMode = ImdsMode.NODE_ROLE;
        private String nodeRoleArn;
        private String instanceId = "i-0123456789abcdef0";
        private Duration stsLatency = Duration.ZERO;
        private int stsFailFirst;
        private StsFailure stsFailFirstWith = StsFailure.THROTTLING;
        private Duration credentialsLifetime = Duration.ofHours(6);
        private Duration requestHold = Duration.ofSeconds(10);
        private final List<String> sqsQueues = new ArrayList<>();
        private String podIdentityTargetRoleArn;
        private AgentFailure agentOutage;
        private TokenFileProblem tokenFileProblem = TokenFileProblem.NONE;
        private Duration stsClockOffset = Duration.ZERO;
        private boolean regionInSettings = true;

        private Builder() {
        }

        /**
         * @param region AWS region (default {@code us-east-1}); STS only accepts signatures scoped to it
         * @return this builder
         */
        public Builder region(String region) {
            this.region = requireText(region, "region");
            return this;
        }

        /**
         * @param accountId 12-digit account id (default {@code 111122223333})
         * @return this builder
         * @throws IllegalArgumentException if not 12 digits
         */
        public Builder accountId(String accountId) {
            if (accountId == null || !accountId.matches("\\d{12}")) {
                throw new IllegalArgumentException("accountId must be 12 digits: " + accountId);
            }
            this.accountId = accountId;
            return this;
        }

        /**
         * @param clusterName EKS cluster name (default {@code demo}), part of Pod Identity session names
         * @return this builder
         */
        public Builder clusterName(String clusterName) {
            this.clusterName = requireText(clusterName, "clusterName");
            return this;
        }

        /**
         * @param podName pod name (default {@code app-5d8f7b9c6d-x2k4q}), part of Pod Identity session names
         * @return this builder
         */
        public Builder podName(String podName) {
            this.podName = requireText(podName, "podName");
            return this;
        }

        /**
         * Enables EKS Pod Identity: the agent, its token file and the container credential settings.
         *
         * @param roleArn the association's role (the "EKS Pod Identity role", in the cluster's account), e.g.
         *     {@code arn:aws:iam::111122223333:role/orders}; the pod's credentials are for it unless
         *     {@link #podIdentityTargetRole(String)} names a target role
         * @return this builder
         * @throws IllegalArgumentException if not an IAM role ARN
         */
        public Builder podIdentity(String roleArn) {
            this.podIdentityRoleArn = Arns.requireRoleArn(roleArn);
            return this;
        }

        /**
         * Gives the Pod Identity association a target role, as EKS allows since June 2025: the agent then
         * hands out credentials of a session of the target role (role chaining: first the association's
         * role, then the target role), so the pod's caller identity is the target role, possibly in another
         * account. The session name keeps the {@code eks-<cluster>-<pod>-<uuid>} form (the EKS documentation
         * does not specify it for target roles); the credentials expire after at most one hour (the
         * role-chaining limit; the agent caches them for 59 minutes), or the
         * {@link #credentialsLifetime(Duration) lifetime} if shorter.
         *
         * @param targetRoleArn the target role, e.g. {@code arn:aws:iam::444455556666:role/gateway-prod}
         * @return this builder
         * @throws IllegalArgumentException if not an IAM role ARN
         */
        public Builder podIdentityTargetRole(String targetRoleArn) {
            this.podIdentityTargetRoleArn = Arns.requireRoleArn(targetRoleArn);
            return this;
        }

        /**
         * Starts with the Pod Identity agent in an outage: every request fails this way until
         * {@link EksPodSimulator#setAgentOutage(AgentFailure) setAgentOutage(null)}, whatever the
         * association's state. Default: no outage.
         *
         * @param failure how every agent request fails
         * @return this builder
         */
        public Builder agentOutage(AgentFailure failure) {
            this.agentOutage = Objects.requireNonNull(failure, "failure");
            return this;
        }

        /**
         * Starts with the Pod Identity token file in this state (default {@link TokenFileProblem#NONE});
         * {@link EksPodSimulator#setPodIdentityTokenFileProblem(TokenFileProblem)} changes it later.
         *
         * @param problem the token file's state
         * @return this builder
         */
        public Builder podIdentityTokenFileProblem(TokenFileProblem problem) {
            this.tokenFileProblem = Objects.requireNonNull(problem, "problem");
            return this;
        }

        /**
         * Runs STS on a clock that is {@code offset} ahead of the real one (negative: behind), as when the
         * pod's clock is that far behind (ahead of) AWS. STS judges each request's {@code X-Amz-Date}
         * against its own clock like AWS (more than 15 minutes apart: 403 {@code SignatureDoesNotMatch},
         * "Signature expired: ..." or "Signature not yet current: ..."), and reports its clock in every
         * response's {@code Date} header, from which the AWS SDKs correct their clock skew. Credential
         * expiry is judged on the same clock. Default zero.
         *
         * @param offset how far STS's clock is ahead of the real one, any sign
         * @return this builder
         */
        public Builder stsClockOffset(Duration offset) {
            this.stsClockOffset = Objects.requireNonNull(offset, "offset");
            return this;
        }

        /**
         * Keeps the region out of {@link EksPodSimulator#systemProperties()} and
         * {@link EksPodSimulator#environment()} (no {@code aws.region}, {@code AWS_REGION} or
         * {@code AWS_STS_REGIONAL_ENDPOINTS}; the endpoint settings stay), as in a pod that EKS Pod Identity
         * injected without a region. The SDK's default region chain then asks IMDS, which reports
         * {@link #region(String) the region}, unless IMDS does not answer. Note that an {@code AWS_REGION} or
         * {@code AWS_DEFAULT_REGION} in the test JVM's own environment still wins.
         *
         * @return this builder
         */
        public Builder noRegion() {
            this.regionInSettings = false;
            return this;
        }

        /**
         * The association becomes effective this long after {@link #start()}; until then the agent
         * fails as set by {@link #agentFailure(AgentFailure)}. Default: effective at once.
         *
         * @param delay the delay, not negative
         * @return this builder
         */
        public Builder associationConsistentAfter(Duration delay) {
            this.consistentAfter = requireNotNegative(delay, "delay");
            return this;
        }

        /**
         * The first {@code n} authorized agent requests fail as set by {@link #agentFailure(AgentFailure)};
         * request {@code n + 1} succeeds. Combined with {@link #associationConsistentAfter(Duration)}, both
         * must hold. Default 0.
         *
         * @param n number of failing requests, at least 0
         * @return this builder
         */
        public Builder associationConsistentAfterRequests(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("n must be >= 0");
            }
            this.consistentAfterRequests = n;
            return this;
        }

        /**
         * @param failure how the agent fails before the association is effective (default
         *     {@link AgentFailure#FORBIDDEN_403})
         * @return this builder
         */
        public Builder agentFailure(AgentFailure failure) {
            this.agentFailure = Objects.requireNonNull(failure, "failure");
            return this;
        }

        /**
         * Enables IRSA: writes a web identity token file and lets STS {@code AssumeRoleWithWebIdentity}
         * hand out credentials for this role.
         *
         * @param roleArn the service account's role, e.g. {@code arn:aws:iam::111122223333:role/team/app/orders}
         * @return this builder
         * @throws IllegalArgumentException if not an IAM role ARN
         */
        public Builder irsa(String roleArn) {
            this.irsaRoleArn = Arns.requireRoleArn(roleArn);
            return this;
        }

        /**
         * @param inKubernetes whether {@link #environment()} carries {@code KUBERNETES_SERVICE_HOST} and
         *     {@code KUBERNETES_SERVICE_PORT} (default true)
         * @return this builder
         */
        public Builder inKubernetes(boolean inKubernetes) {
            this.inKubernetes = inKubernetes;
            return this;
        }

        /**
         * @param mode initial IMDS behaviour (default {@link ImdsMode#NODE_ROLE})
         * @return this builder
         */
        public Builder imds(ImdsMode mode) {
            this.imdsMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * @param roleArn the node's instance-profile role (default
         *     {@code arn:aws:iam::<accountId>:role/eks-node-group-role})
         * @return this builder
         * @throws IllegalArgumentException if not an IAM role ARN
         */
        public Builder nodeRoleArn(String roleArn) {
            this.nodeRoleArn = Arns.requireRoleArn(roleArn);
            return this;
        }

        /**
         * @param instanceId EC2 instance id (default {@code i-0123456789abcdef0}); the node role's session name
         * @return this builder
         */
        public Builder instanceId(String instanceId) {
            this.instanceId = requireText(instanceId, "instanceId");
            return this;
        }

        /**
         * @param latency delay before STS answers each request (default zero); ended early by close
         * @return this builder
         */
        public Builder stsLatency(Duration latency) {
            this.stsLatency = requireNotNegative(latency, "latency");
            return this;
        }

        /**
         * @param n       the first {@code n} STS requests fail (default 0)
         * @param failure how they fail
         * @return this builder
         */
        public Builder stsFailFirst(int n, StsFailure failure) {
            if (n < 0) {
                throw new IllegalArgumentException("n must be >= 0");
            }
            this.stsFailFirst = n;
            this.stsFailFirstWith = Objects.requireNonNull(failure, "failure");
            return this;
        }

        /**
         * @param lifetime how long issued credentials stay valid (the {@code Expiration} field; default 6 h)
         * @return this builder
         */
        public Builder credentialsLifetime(Duration lifetime) {
            requireNotNegative(lifetime, "lifetime");
            if (lifetime.isZero()) {
                throw new IllegalArgumentException("lifetime must be positive");
            }
            this.credentialsLifetime = lifetime;
            return this;
        }

        /**
         * @param hold the longest time a black-holed IMDS request or a timing-out agent request is held
         *     open before its connection is closed (default 10 s, above the SDKs' 1 s read timeouts)
         * @return this builder
         */
        public Builder requestHold(Duration hold) {
            this.requestHold = requireNotNegative(hold, "hold");
            return this;
        }

        /**
         * Creates an SQS queue in {@link #accountId(String) the account} before the simulator starts; its URL
         * is {@link EksPodSimulator#sqsQueueUrl(String)}. May be called for several queues.
         *
         * @param queueName the queue name: 1 to 80 letters, digits, hyphens or underscores
         * @return this builder
         * @throws IllegalArgumentException if the name is not a valid queue name
         */
        public Builder sqsQueue(String queueName) {
            if (queueName == null || !queueName.matches("[A-Za-z0-9_-]{1,80}")) {
                throw new IllegalArgumentException("not an SQS queue name: " + queueName);
            }
            sqsQueues.add(queueName);
            return this;
        }

        /**
         * Starts the servers on 127.0.0.1 ephemeral ports and writes the token files.
         *
         * @return the running simulator; close it when done
         * @throws java.io.UncheckedIOException if a server or file cannot be created
         * @throws IllegalStateException if a Pod Identity option is set without {@link #podIdentity(String)}
         */
        public EksPodSimulator start() {
            if (podIdentityRoleArn == null && (podIdentityTargetRoleArn != null || agentOutage != null
                    || tokenFileProblem != TokenFileProblem.NONE)) {
                throw new IllegalStateException("podIdentityTargetRole, agentOutage and podIdentityTokenFileProblem "
                        + "need Pod Identity (Builder.podIdentity)");
            }
            String node = nodeRoleArn != null ? nodeRoleArn : "arn:aws:iam::" + accountId + ":role/eks-node-group-role";
            return new EksPodSimulator(new ScenarioConfig(region, accountId, clusterName, podName, podIdentityRoleArn,
                    consistentAfter, consistentAfterRequests, agentFailure, irsaRoleArn, inKubernetes, imdsMode, node,
                    instanceId, stsLatency, stsFailFirst, stsFailFirstWith, credentialsLifetime, requestHold, sqsQueues,
                    podIdentityTargetRoleArn, agentOutage, tokenFileProblem, stsClockOffset, regionInSettings));
        }

        private static String requireText(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }

        private static Duration requireNotNegative(Duration d, String name) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be a non-negative duration");
            }
            return d;
        }
    }
}
