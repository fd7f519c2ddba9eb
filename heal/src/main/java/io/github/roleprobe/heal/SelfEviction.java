package io.github.roleprobe.heal;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.roleprobe.config.InvalidSettingException;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.VerificationListener;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.github.roleprobe.verify.VerificationState;
import io.github.roleprobe.verify.VerifierScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opt-in self-eviction of a pod that stays {@link VerificationState#NOT_INJECTED} ({@value SelfEvictionConfig#EVICT_NOT_INJECTED}):
 * the EKS webhook injects EKS Pod Identity or IRSA environment only when a pod is created, so such a pod heals only as
 * a new pod. Once {@code NOT_INJECTED} has lasted {@value SelfEvictionConfig#AFTER} (drawn from that to 1.25 times
 * that, so that the pods of a ReplicaSet do not go at once), the pod asks the Kubernetes Eviction API (policy/v1,
 * which honours PodDisruptionBudgets) to evict itself, and its ReplicaSet creates a new pod, admitted again.
 *
 * <p>A {@link VerificationListener} of the verifier; the Kubernetes calls run on a thread of its own
 * ({@value #THREAD_NAME}), never on the verifier's nor on a probe's. In order:
 * <ol>
 *   <li>{@code GET} the pod ({@link PodReference}: {@code POD_NAME}/{@code POD_NAMESPACE} from the downward API, else
 *       {@code HOSTNAME} and the service-account namespace file) for its controller owner; a pod without one is not
 *       evicted, since nothing would create a new one;</li>
 *   <li>the <b>rate guard</b>: {@code LIST} the Events labelled {@value #OWNER_LABEL} with the owner's uid and reason
 *       {@value #EVENT_REASON}; when {@value SelfEvictionConfig#MAX_EVICTIONS} pods of that owner recorded one within
 *       {@value SelfEvictionConfig#WINDOW}, this pod does not evict itself and stays {@code NOT_INJECTED} (a service
 *       whose association does not exist would otherwise churn pods for ever);</li>
 *   <li>{@code CREATE} this pod's Event (one per pod, on the owner, so {@code kubectl describe replicaset} shows it),
 *       before the eviction, so that a pod that is gone is counted;</li>
 *   <li>{@code POST} its {@code pods/eviction}.</li>
 * </ol>
 * What it does, and why it stopped, is a note after the state's reason ({@link IdentityVerifier#note}), in stable words.
 * A failed call (403 without the RBAC of the kit's self-eviction component, 429 from a PodDisruptionBudget, the API
 * server unreachable) is such a note too, and is retried with a jittered back-off whose ceiling doubles from
 * {@code role-probe.heal.after} to {@link #RETRY_MAX}: never a tight loop, never a crash.
 *
 * <p>Thread-safe. {@link #close()} stops the thread and closes the client it created.
 */
public final class SelfEviction implements VerificationListener, AutoCloseable {

    /** Name of the self-eviction's thread: {@value}. */
    public static final String THREAD_NAME = "role-probe-heal";
    /** The {@code reason} of the Event each self-evicting pod records: {@value}. */
    public static final String EVENT_REASON = "RoleProbeSelfEviction";
    /** The label of those Events whose value is the owner's uid, by which they are counted: {@value}. */
    public static final String OWNER_LABEL = "role-probe.io/self-eviction-owner";
    /** The largest retry delay ceiling after a failed Kubernetes call: 10 min. */
    public static final Duration RETRY_MAX = Duration.ofMinutes(10);
    static final String COMPONENT = "role-probe";

    private static final Logger LOG = LoggerFactory.getLogger(SelfEviction.class);
    private static final String RETRYING = " Retrying with back-off.";

    private final SelfEvictionConfig config;
    private final Supplier<KubernetesClient> clientFactory;
    private final boolean ownsClient;
    private final Optional<PodReference> pod;
    private final VerifierScheduler scheduler;
    private final DoubleSupplier random;

    // Guarded by this.
    private IdentityVerifier verifier;
    private VerifierScheduler.Cancellable pending;
    private long generation;
    private int failures;
    private boolean closed;

    // Confined to the heal thread.
    private KubernetesClient client;

    private SelfEviction(Builder b) {
        this.config = Objects.requireNonNull(b.config, "config");
        if (b.client != null) {
            KubernetesClient given = b.client;
            this.clientFactory = () -> given;
            this.ownsClient = false;
        } else {
            this.clientFactory = b.clientFactory != null ? b.clientFactory : SelfEviction::inClusterClient;
            this.ownsClient = true;
        }
        this.pod = b.pod != null ? Optional.of(b.pod)
                : PodReference.fromEnvironment(System.getenv(), Path.of(PodReference.NAMESPACE_FILE));
        this.scheduler = b.scheduler != null ? b.scheduler : VerifierScheduler.daemonThread(THREAD_NAME);
        this.random = b.random != null ? b.random : () -> ThreadLocalRandom.current().nextDouble();
    }

    /** @return a new builder; not thread-safe */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The in-cluster client: the API server from {@code KUBERNETES_SERVICE_HOST}/{@code _PORT}, the mounted
     * service-account token and CA ({@link Config#autoConfigure}), no retries of its own (this class backs off), 5 s to
     * connect and 10 s per request.
     *
     * @return a new client; the caller closes it
     */
    public static KubernetesClient inClusterClient() {
        Config config = new ConfigBuilder(Config.autoConfigure(null))
                .withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(5_000)
                .withRequestTimeout(10_000)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    @Override
    public synchronized void attached(IdentityVerifier v) {
        this.verifier = v;
    }

    @Override
    public void stateChanged(VerificationSnapshot previous, VerificationSnapshot current) {
        IdentityVerifier v;
        synchronized (this) {
            v = verifier;
            if (!config.enabled() || closed || v == null) {
                return;
            }
            boolean now = current.state() == VerificationState.NOT_INJECTED;
            boolean before = previous.state() == VerificationState.NOT_INJECTED;
            if (now == before) {
                return;
            }
            if (!now) {
                cancel();
            } else {
                failures = 0;
                Duration jittered = Duration.ofNanos((long) (config.after().toNanos() * (1 + 0.25 * random.getAsDouble())));
                Duration waited = Duration.between(current.stateSince(), v.clock().instant());
                Duration delay = jittered.minus(waited);
                schedule(delay.isNegative() ? Duration.ZERO : delay);
            }
        }
        v.note(VerificationState.NOT_INJECTED, current.state() == VerificationState.NOT_INJECTED ? scheduledNote() : null);
    }

    private String scheduledNote() {
        return "Self-eviction (" + SelfEvictionConfig.EVICT_NOT_INJECTED + "=true): this pod asks the Kubernetes"
                + " Eviction API to evict it once this state has lasted " + SelfEvictionConfig.AFTER + " ("
                + InvalidSettingException.format(config.after()) + "), so that its ReplicaSet creates a new pod,"
                + " which the EKS webhook admits again.";
    }

    // Caller holds this.
    private void schedule(Duration delay) {
        cancel();
        long token = ++generation;
        try {
            pending = scheduler.schedule(() -> run(token), delay);
        } catch (RejectedExecutionException e) {
            pending = null; // closed
        }
    }

    // Caller holds this.
    private void cancel() {
        generation++;
        if (pending != null) {
            pending.cancel();
            pending = null;
        }
    }

    private void run(long token) {
        IdentityVerifier v;
        synchronized (this) {
            if (closed || token != generation) {
                return;
            }
            pending = null;
            v = verifier;
        }
        if (v.snapshot().state() != VerificationState.NOT_INJECTED) {
            return;
        }
        if (pod.isEmpty()) {
            note(v, token, "Self-eviction is off for this pod: its name or namespace is unknown (set "
                    + PodReference.POD_NAME + " and " + PodReference.POD_NAMESPACE + " from the downward API, as the"
                    + " kit's self-eviction component does).");
            return;
        }
        String apiServer = "?";
        try {
            if (client == null) {
                client = clientFactory.get();
            }
            apiServer = String.valueOf(client.getMasterUrl());
            PodEvictions k8s = new PodEvictions(client, pod.get());
            Optional<PodEvictions.Owner> owner = k8s.owner();
            if (owner.isEmpty()) {
                note(v, token, "Self-eviction is off for this pod: it has no controller owner (ReplicaSet,"
                        + " StatefulSet), so nothing would create a new pod.");
                return;
            }
            Instant now = v.clock().instant();
            PodEvictions.Recorded recorded = k8s.recorded(owner.get(), now.minus(config.window()));
            if (!recorded.mine() && recorded.count() >= config.maxEvictions()) {
                note(v, token, "Self-eviction stopped: " + recorded.count() + " pods of " + owner.get() + " evicted"
                        + " themselves within " + SelfEvictionConfig.WINDOW + " ("
                        + InvalidSettingException.format(config.window()) + "), " + SelfEvictionConfig.MAX_EVICTIONS
                        + "=" + config.maxEvictions() + ", and their new pods were not injected either: the EKS Pod"
                        + " Identity association (or the IRSA annotation) probably does not exist. This pod no longer"
                        + " evicts itself.");
                return;
            }
            int n = recorded.mine() ? recorded.count() : recorded.count() + 1;
            if (!recorded.mine()) {
                k8s.record(owner.get(), now, "Pod " + pod.get().name() + " evicts itself: role-probe found it"
                        + " NOT_INJECTED (no EKS Pod Identity or IRSA environment) for "
                        + InvalidSettingException.format(config.after()) + " or more; self-eviction " + n
                        + " of at most " + config.maxEvictions() + " in " + InvalidSettingException.format(config.window())
                        + ".");
            }
            if (v.snapshot().state() != VerificationState.NOT_INJECTED) {
                return;
            }
            if (k8s.evict()) {
                LOG.warn("role-probe asked the Kubernetes Eviction API to evict pod {} (NOT_INJECTED; self-eviction {}"
                        + " of at most {} for {})", pod.get(), n, config.maxEvictions(), owner.get());
                note(v, token, "Self-eviction: the Kubernetes Eviction API accepted the eviction of this pod ("
                        + pod.get() + ", self-eviction " + n + " of at most " + config.maxEvictions() + " for "
                        + owner.get() + "); its controller creates a new pod.");
                return;
            }
            retry(v, token, "Self-eviction waits: the Kubernetes API answered 429 to the eviction of pod " + pod.get()
                    + ": a PodDisruptionBudget allows no disruption now (or the API server throttles).");
        } catch (KubernetesCallFailed e) {
            retry(v, token, "Self-eviction failed: " + e.sentence(apiServer));
        } catch (RuntimeException e) {
            retry(v, token, "Self-eviction failed: no Kubernetes client (" + e.getClass().getSimpleName() + ").");
        } catch (LinkageError e) {
            // A class-path conflict (for example a jackson-annotations older than fabric8's Jackson needs) does not
            // heal by retrying: say so once and stop, instead of ending the heal task with a stale reason.
            LOG.warn("role-probe self-eviction stopped: the Kubernetes client cannot be loaded ({})", e.toString());
            note(v, token, "Self-eviction stopped: the Kubernetes client cannot be loaded (" + e.getClass().getSimpleName()
                    + ": a dependency version conflict on the class path). This pod no longer evicts itself.");
        }
    }

    private void note(IdentityVerifier v, long token, String text) {
        synchronized (this) {
            if (closed || token != generation) {
                return;
            }
        }
        v.note(VerificationState.NOT_INJECTED, text);
    }

    private void retry(IdentityVerifier v, long token, String text) {
        synchronized (this) {
            if (closed || token != generation) {
                return;
            }
            schedule(retryDelay(failures++));
        }
        v.note(VerificationState.NOT_INJECTED, text + RETRYING);
    }

    /**
     * The wait before retry {@code failure} (0 for the first): drawn from the upper half of a ceiling that doubles
     * from {@code role-probe.heal.after} up to {@link #RETRY_MAX}.
     */
    Duration retryDelay(int failure) {
        Duration ceiling = config.after();
        for (int i = 0; i < failure && ceiling.compareTo(RETRY_MAX) < 0; i++) {
            ceiling = ceiling.multipliedBy(2);
        }
        if (ceiling.compareTo(RETRY_MAX) > 0) {
            ceiling = RETRY_MAX;
        }
        return Duration.ofNanos((long) (ceiling.toNanos() * (0.5 + 0.5 * random.getAsDouble())));
    }

    /** Stops the thread (a running call finishes for up to 5 s) and closes the client it created. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            cancel();
        }
        scheduler.shutdown(Duration.ofSeconds(5));
        if (ownsClient && client != null) {
            client.close();
        }
    }

    /** Builds a {@link SelfEviction}. Not thread-safe. */
    public static final class Builder {
        private SelfEvictionConfig config;
        private KubernetesClient client;
        private Supplier<KubernetesClient> clientFactory;
        private PodReference pod;
        private VerifierScheduler scheduler;
        private DoubleSupplier random;

        private Builder() {
        }

        /**
         * @param v the settings; required
         * @return this builder
         */
        public Builder config(SelfEvictionConfig v) {
            config = v;
            return this;
        }

        /**
         * @param v a client to use, not closed by {@link SelfEviction#close()}; default: {@link #inClusterClient()},
         *     created with the first call on the heal thread and closed with it
         * @return this builder
         */
        public Builder client(KubernetesClient v) {
            client = v;
            return this;
        }

        /**
         * @param v creates the client with the first call; the client is closed by {@link SelfEviction#close()}
         * @return this builder
         */
        public Builder clientFactory(Supplier<KubernetesClient> v) {
            clientFactory = v;
            return this;
        }

        /**
         * @param v the pod; default {@link PodReference#fromEnvironment} of the process environment
         * @return this builder
         */
        public Builder pod(PodReference v) {
            pod = v;
            return this;
        }

        /**
         * @param v runs the self-eviction's calls; default one daemon thread named {@value #THREAD_NAME}; shut down
         *     by {@link SelfEviction#close()}
         * @return this builder
         */
        public Builder scheduler(VerifierScheduler v) {
            scheduler = v;
            return this;
        }

        /**
         * @param v random numbers in [0, 1) for the jitter; default {@link ThreadLocalRandom}
         * @return this builder
         */
        public Builder random(DoubleSupplier v) {
            random = v;
            return this;
        }

        /** @return the self-eviction, to register as a listener of the verifier */
        public SelfEviction build() {
            return new SelfEviction(this);
        }
    }
}
