package io.github.roleprobe.testkit;

import io.github.roleprobe.testkit.internal.Arns;
import io.github.roleprobe.testkit.internal.Counters;
import io.github.roleprobe.testkit.internal.CredentialRegistry;
import io.github.roleprobe.testkit.internal.Imds;
import io.github.roleprobe.testkit.internal.IssuedCredentials;
import io.github.roleprobe.testkit.internal.LoopbackServer;
import io.github.roleprobe.testkit.internal.PodIdentityAgent;
import io.github.roleprobe.testkit.internal.RequestHolds;
import io.github.roleprobe.testkit.internal.ScenarioConfig;
import io.github.roleprobe.testkit.internal.Sts;
import io.github.roleprobe.testkit.internal.SystemPropertiesSwap;
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
 * an IRSA web identity token file and a regional STS, each on its own ephemeral port, reached by
 * the real AWS SDKs through {@link #systemProperties()} (in-process) or {@link #environment()}
 * (child processes).
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
            "aws.endpointUrlSts", "aws.ignoreConfiguredEndpointUrls", "aws.configFile", "aws.sharedCredentialsFile",
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
    private final LoopbackServer agentServer;
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
            sts = new Sts(config, registry, counters, holds, clock, webToken, issuer.substring("https://".length()));
            stsServer = track(LoopbackServer.start("sts", 0, 32, sts));
            if (podToken != null) {
                agent = new PodIdentityAgent(config, podToken, registry, counters, holds, clock, now);
                agentServer = track(LoopbackServer.start("pod-identity-agent", 0, 16, agent));
            } else {
                agent = null;
                agentServer = null;
            }
            imds = track(new Imds(config, registry, counters, holds, clock));
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

    /** @return the AWS region, e.g. {@code us-east-1} */
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

    /** @return the Pod Identity association's target role ARN, or null if Pod Identity is off */
    public String podIdentityRoleArn() {
        return config.podIdentityRoleArn();
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
     *     {@code eks-<cluster>-<pod>-<uuid>}, at most 64 characters)
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
        requireOpen();
        Arns.requireRoleArn(roleArn);
        if (sessionName == null || sessionName.isBlank()) {
            throw new IllegalArgumentException("sessionName must not be blank");
        }
        IssuedCredentials c = registry.issue(roleArn, sessionName);
        return new SimulatedCredentials(c.accessKeyId(), c.secretAccessKey(), c.sessionToken(), c.expiration(),
                c.callerArn());
    }

    // ---------------------------------------------------------------- endpoints

    /** @return STS endpoint, {@code http://127.0.0.1:<port>} */
    public URI stsEndpoint() {
        return URI.create("http://127.0.0.1:" + stsServer.port());
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

    /** @return the Pod Identity token file (no trailing newline), or null if Pod Identity is off */
    public Path podIdentityTokenFile() {
        return podIdentityTokenFile;
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
     * {@code aws.region}, {@code aws.endpointUrlSts}, {@code aws.ec2MetadataServiceEndpoint},
     * {@code aws.sharedCredentialsFile} and {@code aws.configFile} (empty files); with Pod Identity
     * {@code aws.containerCredentialsFullUri} and {@code aws.containerAuthorizationTokenFile}; with
     * IRSA {@code aws.webIdentityTokenFile} and {@code aws.roleArn}.
     *
     * @return an unmodifiable, ordered map
     */
    public Map<String, String> systemProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("aws.region", config.region());
        p.put("aws.endpointUrlSts", stsEndpoint().toString());
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
     * {@code AWS_ENDPOINT_URL_STS}, {@code AWS_STS_REGIONAL_ENDPOINTS=regional},
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
        e.put("AWS_REGION", config.region());
        e.put("AWS_ENDPOINT_URL_STS", stsEndpoint().toString());
        e.put("AWS_STS_REGIONAL_ENDPOINTS", "regional");
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
     * temporary files. Idempotent.
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
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "EksPodSimulator[region=" + config.region() + ", podIdentity=" + config.podIdentityRoleArn()
                + ", irsa=" + config.irsaRoleArn() + ", imds=" + imds.mode() + ", sts=" + (stsServer == null ? "-" : stsEndpoint()) + "]";
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
         * @param roleArn the association's target role, e.g. {@code arn:aws:iam::111122223333:role/orders}
         * @return this builder
         * @throws IllegalArgumentException if not an IAM role ARN
         */
        public Builder podIdentity(String roleArn) {
            this.podIdentityRoleArn = Arns.requireRoleArn(roleArn);
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
         * Starts the servers on 127.0.0.1 ephemeral ports and writes the token files.
         *
         * @return the running simulator; close it when done
         * @throws java.io.UncheckedIOException if a server or file cannot be created
         */
        public EksPodSimulator start() {
            String node = nodeRoleArn != null ? nodeRoleArn : "arn:aws:iam::" + accountId + ":role/eks-node-group-role";
            return new EksPodSimulator(new ScenarioConfig(region, accountId, clusterName, podName, podIdentityRoleArn,
                    consistentAfter, consistentAfterRequests, agentFailure, irsaRoleArn, inKubernetes, imdsMode, node,
                    instanceId, stsLatency, stsFailFirst, stsFailFirstWith, credentialsLifetime, requestHold));
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
