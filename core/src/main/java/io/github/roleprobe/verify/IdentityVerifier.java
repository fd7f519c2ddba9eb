package io.github.roleprobe.verify;

import io.github.roleprobe.arn.AssumedRoleArn;
import io.github.roleprobe.arn.IamRoleArn;
import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.credentials.ApplicationCredentials;
import io.github.roleprobe.credentials.CredentialSource;
import io.github.roleprobe.credentials.ResolvedCredentials;
import io.github.roleprobe.diagnosis.CredentialFailure;
import io.github.roleprobe.diagnosis.CredentialFailureDiagnosis;
import io.github.roleprobe.environment.CredentialInjection;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.guard.GuardEvidence;
import io.github.roleprobe.guard.GuardMode;
import io.github.roleprobe.guard.KeyIdentities;
import io.github.roleprobe.guard.RequestGuard;
import io.github.roleprobe.guard.ServiceCounters;
import io.github.roleprobe.sts.CallerIdentityClient;
import io.github.roleprobe.sts.CallerIdentityResult;
import io.github.roleprobe.sts.StsCallResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies in the background that the credentials the application's own credential provider chain
 * resolves belong to an expected IAM role, confirmed by STS {@code GetCallerIdentity}, and publishes
 * the result as an immutable {@link VerificationSnapshot} for probes.
 *
 * <h2>How it works</h2>
 * <ul>
 *   <li>{@link #start()} runs the first attempt at once on a daemon thread named
 *       {@code role-probe-verifier}. Probe reads ({@link #snapshot()}, {@link #ready()}, {@link #live()})
 *       only read a volatile field: they never resolve credentials and never call STS.</li>
 *   <li>Until {@link VerificationState#VERIFIED}: retries with exponential backoff and full jitter, the
 *       ceiling starting at {@code role-probe.backoff.initial} and doubling with each failed attempt in a
 *       row. An access key id always belongs to the same identity, so credentials whose identity STS
 *       already told are not sent to STS again: a pod stuck on the node role costs no STS calls while it
 *       waits. The ceiling stops growing at one of two caps, chosen per attempt:
 *       <ul>
 *         <li>{@code role-probe.backoff.max} (default 5 s) after an attempt that sent a request to STS: it
 *             called {@code GetCallerIdentity}, or IRSA environment is present ({@link PodEnvironment#irsaPresent()}),
 *             whose web identity provider calls STS {@code AssumeRoleWithWebIdentity} on every fresh chain;</li>
 *         <li>{@code min(role-probe.backoff.local-max, role-probe.backoff.max)} (default 1 s) after an attempt
 *             that sent none (the node role's key whose identity is already known, or, with the SDK default
 *             chain in a Pod Identity pod, no credentials yet): such attempts cost STS nothing, so a pod waiting
 *             for its Pod Identity association notices it sooner. A failed credential resolution counts as
 *             sent to STS when the provider can call STS itself: the application's own provider (an assume-role
 *             provider, say), or the default chain without Pod Identity environment (a profile with
 *             {@code role_arn}); but not when the failure is diagnosed as the Pod Identity agent's or its token
 *             file's (an application's credential provider chain, such as the {@code credentialsProvider} bean of
 *             Spring Cloud AWS or Micronaut AWS, whose container provider got no answer).</li>
 *       </ul>
 *       Both caps share one retry counter, reset when verified. Failures that send requests to STS and persist
 *       ({@value RoleProbeConfig#PERSISTENT_AFTER_ATTEMPTS} failed attempts in a row; at once after STS answered
 *       {@code Throttling}, and under IRSA after the SDK's web identity provider got {@code Throttling} or no answer
 *       from STS) grow the ceiling further, doubling from {@code backoff.max} up to
 *       {@code role-probe.backoff.persistent-max} (default 5 min), and wait at least half of it: a pod that never
 *       succeeds makes at most 40 attempts in its first hour (28 when the failure counts as persistent from the
 *       start: no jittered transient phase) and at most 25 in any later hour (waits of at least 150 s). Each attempt
 *       sends at most one {@code GetCallerIdentity}; under IRSA its fresh chain's web identity provider also sends
 *       {@code AssumeRoleWithWebIdentity}: one request when STS refuses the token or the role, up to 4 when STS
 *       throttles or answers 5xx, because that provider's STS client retries those itself (up to 3 retries, its
 *       default retry policy, set by the SDK's {@code StsWebIdentityCredentialsProviderFactory}; role-probe cannot
 *       change it). An attempt thus sends at most 5 STS requests: at most 200 in the first hour and 125 in any later
 *       hour. The worst case is an IRSA chain that STS throttles while IMDS serves the node role: the chain falls
 *       through to the node role without saying why web identity failed, so the failure turns persistent only after
 *       the 12 attempts; its node role key is identified once and cached, so 160 requests in the first hour (40
 *       attempts of 4) and 100 in any later hour.</li>
 *   <li>When the verifier resolves the SDK default chain, IRSA environment is complete and {@code AWS_ROLE_ARN} is
 *       not an expected role, the chain can only ever get that role (its web identity provider comes first): the
 *       state is {@link VerificationState#WRONG_IDENTITY} ({@code OTHER}) from the environment alone, without any STS
 *       call, checked again every {@code role-probe.refresh-interval}.</li>
 *   <li>Once verified: re-resolves credentials every {@code role-probe.refresh-interval} (cheap, the SDK
 *       caches them) and calls STS only when the access key id changed or the confirmation is older than
 *       {@code role-probe.max-age}. When STS is unavailable for credentials from the same source as the
 *       confirmed ones (the SDK rotates them), the state stays {@code VERIFIED} and is marked stale, and STS
 *       is asked again only every {@code role-probe.refresh-interval}: an STS outage must not take a healthy
 *       fleet out of service, nor multiply the load on STS.</li>
 *   <li>Concurrent {@link #verifyNow()} calls coalesce: there is never more than one attempt, and so
 *       never more than one STS call, in flight.</li>
 *   <li>In Kubernetes ({@code KUBERNETES_SERVICE_HOST} set) without EKS Pod Identity or IRSA environment,
 *       credentials that STS confirms as an expected role still count (an application's own assume-role
 *       provider, kube2iam); anything else is {@link VerificationState#NOT_INJECTED}, retried at
 *       {@code role-probe.backoff.max}: the admission webhook injects that environment only when the pod
 *       is created (EKS User Guide, "EKS Pod Identity"), so only a new pod heals.</li>
 *   <li>What the application's own SDK clients send counts too: unless {@code role-probe.guard.mode} is
 *       {@code off}, the verifier's {@link RequestGuard} sees every request that any AWS SDK client of the JVM signs
 *       (from the moment the verifier is built, before {@link #start()}). A client seen signing with the node role or
 *       another identity than an expected or allowed role makes the published state
 *       {@link VerificationState#WRONG_IDENTITY} at once (readiness DOWN), naming the client, until that client signs
 *       with an expected role; liveness goes DOWN after {@code role-probe.liveness-grace} when EKS Pod Identity or
 *       IRSA environment is present, since a new JVM builds new clients. Only {@code NOT_INJECTED} and
 *       {@code MISCONFIGURED}, which a restart cannot heal, are kept as they are. Keys that no attempt identified are
 *       identified with one STS call each (see {@link RequestGuard}); those calls count in
 *       {@link VerificationSnapshot#stsCalls()}.</li>
 *   <li>Liveness ({@link #live()}) goes DOWN only for {@link VerificationState#WRONG_IDENTITY} from the
 *       application's own credential provider ({@link ApplicationCredentials#of}) while Pod Identity or
 *       IRSA environment is present, after {@code role-probe.liveness-grace}: a long-lived chain stuck on
 *       the node role heals only in a new JVM. With the SDK default chain every attempt already builds a
 *       fresh chain, so a restart could not do better and liveness stays UP.</li>
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} stops the background thread and releases the STS client and any
 * credential chain built here (never the application's own provider).
 */
public final class IdentityVerifier implements AutoCloseable {

    /** Name of the background thread. */
    public static final String THREAD_NAME = "role-probe-verifier";

    private static final Logger LOG = LoggerFactory.getLogger(IdentityVerifier.class);

    private final RoleProbeConfig config;
    private final List<IamRoleArn> expectedRoles;
    private final List<String> expectedRoleNames;
    private final String noRoleReason;
    private final ApplicationCredentials credentials;
    private final PodEnvironment environment;
    private final CallerIdentityClient sts;
    private final Clock clock;
    private final Backoff backoff;
    private final Duration localBackoffCap;
    private final List<VerificationListener> listeners;
    private final VerifierScheduler scheduler;
    private final Instant createdAt;
    private final KeyIdentities keys;
    private final RequestGuard guard;
    private final AtomicLong stsCallCount = new AtomicLong();
    private final AtomicBoolean backgroundScheduled = new AtomicBoolean();
    /** A note another component adds to the reason of one state ({@link #note}); {@code null}: none. */
    private volatile StateNote note;

    private final Object lock = new Object();
    private final Object publishLock = new Object();
    /** The conclusion of the verifier's own attempts; written by the verifier thread only. */
    private volatile VerificationSnapshot own;
    /** What probes read: {@link #own} with the request guard's evidence. Written under {@link #publishLock}. */
    private volatile VerificationSnapshot snapshot;
    /** The published snapshot listeners were last told about; verifier thread only. */
    private VerificationSnapshot notified;
    private CompletableFuture<VerificationSnapshot> pending;
    private VerifierScheduler.Cancellable scheduled;
    private long generation;
    private boolean started;
    private boolean closed;

    private final CredentialFailureDiagnosis diagnosis;

    // Confined to the verifier thread.
    private CredentialSource confirmedSource;
    /** Failed attempts in a row, whatever they sent: the exponent of the local backoff. */
    private int consecutiveFailures;
    /**
     * Failed attempts since the last confirmation that sent (or may have sent, or could not reach STS with)
     * requests to STS: the exponent of
     * the STS backoff and what makes a failure persistent. Attempts that send nothing neither raise nor reset it,
     * so a pod that waits for its association without calling STS is not treated as failing persistently.
     */
    private int stsFailures;
    private StsCallResult lastStsCall;
    private boolean calledSts;
    /**
     * This attempt's STS call failed before a request left (connection refused, unknown host, no route, no region, an
     * STS client that cannot be built): STS counted nothing, but the failure persists like an unreachable STS, so it
     * is backed off as an STS failure, not at the local ceiling.
     */
    private boolean stsNotReached;
    /** Why this attempt's credential resolution failed, as diagnosed; {@code null} when it did not fail. */
    private CredentialFailure resolutionFailure;

    private IdentityVerifier(Builder b) {
        this.config = Objects.requireNonNull(b.config, "config");
        this.environment = b.environment != null ? b.environment : PodEnvironment.system();
        this.credentials = b.credentials != null ? b.credentials : ApplicationCredentials.defaultChain();
        this.clock = b.clock != null ? b.clock : Clock.systemUTC();
        this.diagnosis = credentials.applicationProviderName()
                .map(name -> CredentialFailureDiagnosis.forApplicationProvider(environment, name, clock))
                .orElseGet(() -> CredentialFailureDiagnosis.forDefaultChain(environment, clock));
        this.backoff = new Backoff(config.backoffInitial(),
                b.random != null ? b.random : () -> ThreadLocalRandom.current().nextDouble());
        this.localBackoffCap = config.backoffLocalMax().compareTo(config.backoffMax()) < 0
                ? config.backoffLocalMax() : config.backoffMax();
        this.listeners = List.copyOf(b.listeners);
        ExpectedRoles roles = ExpectedRoles.resolve(config, environment);
        this.expectedRoles = roles.roles();
        this.noRoleReason = roles.missingReason();
        this.expectedRoleNames = expectedRoles.stream().map(IamRoleArn::toString).toList();
        this.sts = new CallerIdentityClient(config);
        this.scheduler = b.scheduler != null ? b.scheduler : VerifierScheduler.daemonThread();
        Instant now = clock.instant();
        this.createdAt = now;
        this.keys = new KeyIdentities(clock, sts::getCallerIdentity);
        this.own = VerificationSnapshot.builder()
                .state(VerificationState.PENDING)
                .reason("No verification attempt has finished yet.")
                .remedy(Remedies.PENDING)
                .expectedRoles(expectedRoleNames)
                .injection(environment.injection())
                .inKubernetes(environment.inKubernetes())
                .guardMode(config.guardMode())
                .stateSince(now)
                .build();
        this.snapshot = own;
        this.notified = own;
        this.guard = config.guardMode() == GuardMode.OFF ? null
                : RequestGuard.create(config, expectedRoles, environment.injection() != CredentialInjection.NONE,
                        keys, clock, new GuardHooks());
        if (guard != null) {
            guard.activate();
        }
    }

    /**
     * Starts a builder.
     *
     * @return a new builder; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Schedules the first attempt immediately. Idempotent; has no effect after {@link #close()}.
     *
     * @return this verifier
     */
    public IdentityVerifier start() {
        synchronized (lock) {
            if (!started && !closed) {
                started = true;
                schedule(Duration.ZERO);
            }
        }
        return this;
    }

    /**
     * Returns the latest snapshot. Allocation-free, never blocks, never touches the network.
     *
     * @return the current snapshot
     */
    public VerificationSnapshot snapshot() {
        return snapshot;
    }

    /**
     * Readiness: {@code true} only when verified (stale included). Never blocks.
     *
     * @return whether the application may serve traffic
     */
    public boolean ready() {
        return snapshot.ready();
    }

    /**
     * Liveness now, by the verifier's clock: {@code false} only for a wrong identity that a container
     * restart can fix and that lasted longer than {@code role-probe.liveness-grace}. Never blocks.
     *
     * @return whether the container should keep running
     */
    public boolean live() {
        return snapshot.live(clock);
    }

    /** @return when this verifier was built, by its clock: the start of the time-to-verified measure */
    public Instant createdAt() {
        return createdAt;
    }

    /** @return the clock used for snapshots and liveness */
    public Clock clock() {
        return clock;
    }

    /**
     * Returns the request guard that watches the application's AWS SDK clients for this verifier.
     *
     * @return the guard, active from this verifier's creation until {@link #close()}; empty when
     *     {@code role-probe.guard.mode} is {@code off}
     */
    public Optional<RequestGuard> guard() {
        return Optional.ofNullable(guard);
    }

    /**
     * Requests an attempt now. If one is already queued or running, returns that one's future instead of
     * starting another, so concurrent requests cause at most one STS call.
     *
     * @return a future completed with the snapshot the attempt publishes; completed at once with the
     *     current snapshot when the verifier is closed
     */
    public CompletableFuture<VerificationSnapshot> verifyNow() {
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.completedFuture(snapshot);
            }
            started = true;
            if (pending == null) {
                pending = new CompletableFuture<>();
                schedule(Duration.ZERO);
            }
            return pending;
        }
    }

    // Caller holds lock.
    private void schedule(Duration delay) {
        if (scheduled != null) {
            scheduled.cancel();
        }
        long token = ++generation;
        scheduled = scheduler.schedule(() -> run(token), delay);
    }

    private void run(long token) {
        CompletableFuture<VerificationSnapshot> done;
        synchronized (lock) {
            if (closed || token != generation) {
                return;
            }
            if (pending == null) {
                pending = new CompletableFuture<>();
            }
            done = pending;
        }
        VerificationSnapshot previous = own;
        long startNanos = System.nanoTime();
        lastStsCall = null;
        calledSts = false;
        stsNotReached = false;
        resolutionFailure = null;
        Next next;
        try {
            next = attempt(previous);
        } catch (RuntimeException | LinkageError e) {
            if (isClosed()) {
                done.complete(previous);
                return;
            }
            String what = e.getClass().getName() + ": " + Messages.firstLine(e.getMessage());
            LOG.warn("role-probe verification attempt failed unexpectedly: {}", what);
            next = new Next(finish(previous, previous.toBuilder()
                    .state(VerificationState.MISCONFIGURED)
                    .reason("Unexpected error in the verification attempt (a dependency conflict?): " + what)
                    .remedy(Remedies.MISCONFIGURED)
                    .attempts(previous.attempts() + 1)
                    .stale(false)), backoffDelay());
        }
        if (isClosed()) {
            // Closing interrupted the attempt: its outcome says nothing about the identity.
            done.complete(snapshot);
            return;
        }
        own = next.snapshot;
        VerificationSnapshot current = publish();
        synchronized (lock) {
            pending = null;
            if (!closed && next.delay != null) {
                schedule(next.delay);
            } else {
                scheduled = null;
            }
        }
        VerificationSnapshot before = notified;
        notified = current;
        notifyListeners(new AttemptReport(before, current, Duration.ofNanos(System.nanoTime() - startNanos),
                lastStsCall, createdAt));
        done.complete(current);
    }

    /**
     * Publishes {@link #own} with the request guard's evidence: the snapshot probes read. Called by the verifier
     * thread after each attempt and by any thread on which the guard saw a change of evidence.
     */
    private VerificationSnapshot publish() {
        synchronized (publishLock) {
            VerificationSnapshot base = own;
            VerificationSnapshot previous = snapshot;
            Optional<GuardEvidence> evidence = guard == null ? Optional.empty() : guard.evidence();
            boolean overridden = evidence.isPresent() && base.state() != VerificationState.NOT_INJECTED
                    && base.state() != VerificationState.MISCONFIGURED;
            VerificationSnapshot.Builder b = base.toBuilder().stsCalls(stsCallCount.get());
            if (guard != null) {
                b.clients(guard.clientDetails());
            }
            Instant now = clock.instant();
            if (overridden) {
                GuardEvidence e = evidence.get();
                b.state(VerificationState.WRONG_IDENTITY)
                        .wrongIdentityKind(e.identity() == io.github.roleprobe.guard.RequestIdentity.NODE_ROLE
                                ? WrongIdentityKind.NODE_ROLE : WrongIdentityKind.OTHER)
                        .reason(e.reason())
                        .remedy(e.remedy())
                        .callerArn(e.callerArn())
                        .credentialSource(e.source())
                        .maskedAccessKeyId(e.maskedAccessKeyId())
                        .stale(false);
            }
            VerificationSnapshot draft = b.firstVerified(null).build();
            boolean same = draft.state() == previous.state()
                    && draft.wrongIdentityKind().equals(previous.wrongIdentityKind());
            Instant since;
            if (same) {
                since = previous.stateSince();
            } else if (overridden) {
                since = evidence.get().since();
            } else {
                since = base.stateSince().isAfter(previous.stateSince()) ? base.stateSince() : now;
            }
            Instant deadline = base.livenessDeadline().orElse(null);
            if (overridden && base.injection() != CredentialInjection.NONE) {
                Instant guardDeadline = since.plus(config.livenessGrace());
                deadline = deadline == null || guardDeadline.isBefore(deadline) ? guardDeadline : deadline;
            } else if (overridden) {
                deadline = null;
            }
            Instant firstVerified = previous.firstVerified().orElse(draft.ready() ? now : null);
            VerificationSnapshot.Builder out = draft.toBuilder().stateSince(since).livenessDeadline(deadline)
                    .firstVerified(firstVerified);
            StateNote n = note;
            if (n != null && n.state() == draft.state()) {
                out.reason(draft.reason() + " " + n.text());
            }
            VerificationSnapshot published = out.build();
            snapshot = published;
            return published;
        }
    }

    /** Runs {@code task} on the verifier's thread; nothing when the verifier is closed. */
    private void post(Runnable task) {
        try {
            scheduler.schedule(task, Duration.ZERO);
        } catch (RejectedExecutionException e) {
            // closed: nothing to tell
        }
    }

    /** Tells the listeners about a state change the request guard caused (verifier thread). */
    private void notifyEvidence() {
        if (isClosed()) {
            return;
        }
        VerificationSnapshot before = notified;
        VerificationSnapshot current = snapshot;
        notified = current;
        boolean changed = before.state() != current.state()
                || !before.wrongIdentityKind().equals(current.wrongIdentityKind())
                || before.stale() != current.stale();
        if (!changed) {
            return;
        }
        for (VerificationListener listener : listeners) {
            try {
                listener.stateChanged(before, current);
            } catch (RuntimeException e) {
                LOG.warn("role-probe listener {} failed: {}", listener.getClass().getName(), e.getClass().getName());
            }
        }
    }

    /** The request guard's side of this verifier. */
    private final class GuardHooks implements RequestGuard.Hooks {
        @Override
        public void evidenceChanged() {
            VerificationSnapshot before = snapshot;
            VerificationSnapshot after = publish();
            if (before.state() != after.state() || !before.wrongIdentityKind().equals(after.wrongIdentityKind())) {
                post(IdentityVerifier.this::notifyEvidence);
            }
        }

        @Override
        public void backgroundWorkPending() {
            if (backgroundScheduled.compareAndSet(false, true)) {
                post(() -> {
                    backgroundScheduled.set(false);
                    if (!isClosed()) {
                        guard.runBackground();
                    }
                });
            }
        }

        @Override
        public void identificationSent(CallerIdentityResult result) {
            stsCallCount.incrementAndGet();
            StsCallResult call = result.callResult();
            post(() -> {
                for (VerificationListener listener : listeners) {
                    try {
                        listener.identificationFinished(call);
                    } catch (RuntimeException e) {
                        LOG.warn("role-probe listener {} failed: {}", listener.getClass().getName(),
                                e.getClass().getName());
                    }
                }
            });
        }

        @Override
        public void serviceSeen(ServiceCounters counters) {
            post(() -> {
                for (VerificationListener listener : listeners) {
                    try {
                        listener.guardServiceSeen(counters);
                    } catch (RuntimeException e) {
                        LOG.warn("role-probe listener {} failed: {}", listener.getClass().getName(),
                                e.getClass().getName());
                    }
                }
            });
        }
    }

    private void notifyListeners(AttemptReport report) {
        boolean changed = report.stateChanged();
        for (VerificationListener listener : listeners) {
            try {
                listener.attemptFinished(report);
                if (changed) {
                    listener.stateChanged(report.previous(), report.current());
                }
            } catch (RuntimeException e) {
                LOG.warn("role-probe listener {} failed: {}", listener.getClass().getName(), e.getClass().getName());
            }
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** What an attempt published and when the next one runs ({@code null}: never). */
    private record Next(VerificationSnapshot snapshot, Duration delay) {
    }

    private Next attempt(VerificationSnapshot previous) {
        CredentialInjection injection = environment.injection();
        boolean inKubernetes = environment.inKubernetes();
        VerificationSnapshot.Builder b = previous.toBuilder()
                .attempts(previous.attempts() + 1)
                .injection(injection)
                .irsaAlsoInjected(environment.irsaPresent())
                .inKubernetes(inKubernetes)
                .stale(false);

        if (expectedRoles.isEmpty()) {
            return new Next(finish(previous, b.state(VerificationState.MISCONFIGURED)
                    .reason(noRoleReason).remedy(Remedies.NO_ROLE)), null);
        }
        boolean notInjected = inKubernetes && injection == CredentialInjection.NONE;

        Optional<IamRoleArn> irsaRole = unexpectedIrsaRole();
        if (irsaRole.isPresent()) {
            // The SDK default chain asks the web identity provider first, and it can only ever get AWS_ROLE_ARN's role,
            // which is not expected: known without resolving anything, so no STS call (AssumeRoleWithWebIdentity nor
            // GetCallerIdentity). The environment never changes in a running pod: check again rarely.
            credentials.unpin();
            boolean both = injection == CredentialInjection.POD_IDENTITY;
            return new Next(finish(previous, b.callerArn(null).credentialSource(CredentialSource.WEB_IDENTITY)
                    .maskedAccessKeyId(null)
                    .state(VerificationState.WRONG_IDENTITY)
                    .wrongIdentityKind(WrongIdentityKind.OTHER)
                    .reason("IRSA's AWS_ROLE_ARN is " + irsaRole.get() + ", not " + String.join(" or ", expectedRoleNames)
                            + (both ? "; EKS Pod Identity environment is present too, but the SDK default credential"
                                    + " provider chain takes the IRSA web identity token first" : "")
                            + ". Known from the environment, without an STS call.")
                    .remedy(Remedies.irsaRole(irsaRole.get(), both))), config.refreshInterval());
        }

        ResolvedCredentials resolved;
        try {
            resolved = credentials.resolve();
        } catch (RuntimeException e) {
            credentials.unpin();
            b.callerArn(null).credentialSource(null).maskedAccessKeyId(null);
            if (notInjected) {
                return new Next(finish(previous, notInjected(b, "the credential provider chain returned none")),
                        config.backoffMax());
            }
            CredentialFailure diagnosed = diagnosis.diagnose(e);
            resolutionFailure = diagnosed;
            return new Next(finish(previous, b.state(VerificationState.NO_CREDENTIALS)
                    .reason(diagnosed.reason())
                    .remedy(diagnosed.remedy())), backoffDelay());
        }
        b.credentialSource(resolved.source()).maskedAccessKeyId(resolved.maskedAccessKeyId());

        Instant now = clock.instant();
        Optional<KeyIdentities.Identified> known = keys.known(resolved.accessKeyId());
        boolean verified = previous.state() == VerificationState.VERIFIED;
        boolean confirmationFresh = verified && previous.lastConfirmed().isPresent()
                && now.isBefore(previous.lastConfirmed().get().plus(config.maxAge()));
        if (known.isPresent() && (!verified || confirmationFresh)) {
            // The identity of this access key id is already known (from an attempt or the request guard): no STS call.
            return judge(previous, b, resolved, known.get().callerArn(), known.get().identifiedAt(), notInjected);
        }

        KeyIdentities.Outcome outcome = keys.identify(resolved.accessKeyId(), resolved.credentials(),
                config.stsTimeout());
        CallerIdentityResult answer = outcome.result();
        if (outcome.sent()) {
            calledSts = true;
            lastStsCall = answer.callResult();
            stsCallCount.incrementAndGet();
        } else if (answer.failure().isPresent()) {
            stsNotReached = true;
        }
        if (answer.arn().isPresent()) {
            return judge(previous, b, resolved, answer.arn().get(), now, notInjected);
        }
        if (notInjected) {
            credentials.unpin();
            return new Next(finish(previous, notInjected(b.callerArn(null), "STS could not tell whose credentials"
                    + " the chain returned (" + answer.reason().orElse("") + ")")), config.backoffMax());
        }
        CallerIdentityResult.Failure failure = answer.failure().orElseThrow();
        String reason = answer.reason().orElse("");
        boolean unavailable = failure == CallerIdentityResult.Failure.UNAVAILABLE
                || failure == CallerIdentityResult.Failure.THROTTLED;
        if (verified && unavailable && resolved.source() == confirmedSource) {
            // Credentials from the source STS confirmed (the SDK rotates them): an STS outage must not take a
            // healthy fleet out of service. Retry at the refresh interval, not faster, to spare STS.
            return new Next(finish(previous, b.state(VerificationState.VERIFIED).stale(true)
                    .reason("Confirmed at " + previous.lastConfirmed().map(Instant::toString).orElse("?")
                            + " for credentials from " + confirmedSource + "; renewing the confirmation failed: "
                            + reason)
                    .remedy(Remedies.STS_UNAVAILABLE)), config.refreshInterval());
        }
        credentials.unpin();
        b.callerArn(null);
        switch (failure) {
            case UNAVAILABLE, THROTTLED ->
                    b.state(VerificationState.STS_UNAVAILABLE).reason(reason).remedy(Remedies.STS_UNAVAILABLE);
            case CREDENTIALS_REJECTED -> b.state(VerificationState.NO_CREDENTIALS).reason(reason).remedy(Remedies.NO_CREDENTIALS);
            case CLOCK_SKEW -> b.state(VerificationState.MISCONFIGURED).reason(reason).remedy(Remedies.CLOCK_SKEW);
            case NO_REGION -> b.state(VerificationState.MISCONFIGURED).reason(reason).remedy(Remedies.NO_REGION);
            default -> b.state(VerificationState.MISCONFIGURED).reason(reason).remedy(Remedies.MISCONFIGURED);
        }
        return new Next(finish(previous, b), backoffDelay());
    }

    private Next judge(VerificationSnapshot previous, VerificationSnapshot.Builder b, ResolvedCredentials resolved,
            String callerArn, Instant identifiedAt, boolean notInjected) {
        Instant now = clock.instant();
        b.callerArn(callerArn);
        Optional<AssumedRoleArn> caller = AssumedRoleArn.parse(callerArn);
        if (caller.isPresent() && expectedRoles.stream().anyMatch(r -> r.matches(caller.get()))) {
            credentials.pin();
            confirmedSource = resolved.source();
            Instant confirmed = previous.lastConfirmed().filter(c -> c.isAfter(identifiedAt)).orElse(identifiedAt);
            b.state(VerificationState.VERIFIED)
                    .reason("STS confirmed " + callerArn + " (credentials from " + resolved.source() + ").")
                    .remedy(Remedies.VERIFIED)
                    .lastConfirmed(confirmed);
            if (previous.firstVerified().isEmpty()) {
                b.firstVerified(now);
            }
            consecutiveFailures = 0;
            stsFailures = 0;
            return new Next(finish(previous, b), nextRefresh(confirmed, now));
        }
        credentials.unpin();
        if (notInjected) {
            return new Next(finish(previous, notInjected(b, "the credential provider chain resolved " + callerArn
                    + " (from " + resolved.source() + ")")), config.backoffMax());
        }
        boolean nodeRole = resolved.source() == CredentialSource.INSTANCE_PROFILE
                || caller.map(AssumedRoleArn::sessionNameIsInstanceId).orElse(false);
        // EKS Pod Identity with a target role (targetRoleArn, typically in another account): the agent hands out the
        // target role's credentials, so the caller is the target role, not the association's role. Hinted when the
        // caller's account is none of the expected roles' accounts.
        Optional<String> targetRole = nodeRole || resolved.source() != CredentialSource.CONTAINER
                || environment.injection() != CredentialInjection.POD_IDENTITY
                ? Optional.empty()
                : caller.filter(c -> expectedRoles.stream().noneMatch(r -> r.accountId().equals(c.accountId())))
                        .map(AssumedRoleArn::roleArnWithoutPath);
        b.state(VerificationState.WRONG_IDENTITY)
                .wrongIdentityKind(nodeRole ? WrongIdentityKind.NODE_ROLE : WrongIdentityKind.OTHER)
                .reason((nodeRole ? "The credentials are the node role " : "The credentials belong to ")
                        + callerArn + " (from " + resolved.source() + "), not " + String.join(" or ", expectedRoleNames) + "."
                        + targetRole.map(t -> " With EKS Pod Identity the caller is the association's target role when it"
                                + " has one (targetRoleArn): " + t + " may be this association's target role.").orElse(""))
                .remedy(nodeRole ? Remedies.NODE_ROLE
                        : targetRole.map(Remedies::targetRole).orElse(Remedies.OTHER_IDENTITY));
        return new Next(finish(previous, b), backoffDelay());
    }

    /**
     * IRSA's role when the verifier resolves the SDK default chain (which asks the web identity provider first),
     * IRSA environment is complete, and {@code AWS_ROLE_ARN} is none of the expected roles.
     */
    private Optional<IamRoleArn> unexpectedIrsaRole() {
        if (credentials.applicationProvided() || !environment.irsaPresent()) {
            return Optional.empty();
        }
        IamRoleArn irsa;
        try {
            irsa = IamRoleArn.parse("AWS_ROLE_ARN", environment.irsaRoleArn().orElseThrow());
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // the SDK then fails in its own words, which the attempt reports
        }
        boolean expected = expectedRoles.stream().anyMatch(r -> r.sameRole(irsa));
        return expected ? Optional.empty() : Optional.of(irsa);
    }

    private static VerificationSnapshot.Builder notInjected(VerificationSnapshot.Builder b, String detail) {
        return b.state(VerificationState.NOT_INJECTED)
                .reason("Running in Kubernetes, but neither EKS Pod Identity (AWS_CONTAINER_CREDENTIALS_FULL_URI,"
                        + " AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) nor IRSA (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE)"
                        + " environment was injected when the pod was created; " + detail + ".")
                .remedy(Remedies.NOT_INJECTED);
    }

    /** Completes a snapshot: state start, liveness deadline, check time. */
    private VerificationSnapshot finish(VerificationSnapshot previous, VerificationSnapshot.Builder b) {
        Instant now = clock.instant();
        VerificationSnapshot draft = b.lastCheck(now).livenessDeadline(null).stateSince(previous.stateSince()).build();
        boolean sameState = draft.state() == previous.state()
                && draft.wrongIdentityKind().equals(previous.wrongIdentityKind());
        Instant since = sameState ? previous.stateSince() : now;
        Instant deadline = restartCanHelp(draft) ? since.plus(config.livenessGrace()) : null;
        return draft.toBuilder().stateSince(since).livenessDeadline(deadline).build();
    }

    /**
     * A container restart (a new JVM) can only fix a wrong identity that comes from a long-lived credential
     * provider of the application while EKS Pod Identity or IRSA environment is present. With the SDK default
     * chain, every attempt already builds a fresh chain, so a new JVM would see what the next attempt sees.
     */
    private boolean restartCanHelp(VerificationSnapshot s) {
        return s.state() == VerificationState.WRONG_IDENTITY
                && s.injection() != CredentialInjection.NONE
                && credentials.applicationProvided();
    }

    /**
     * The wait before the next attempt while not verified: capped at {@code backoff.max} (and escalating towards
     * {@code backoff.persistent-max}) when this attempt sent, may have sent, or failed to reach STS with a request,
     * else at the local cap. Failed to reach: its {@code GetCallerIdentity} found no connection or no region (nothing
     * counted, but retrying every second would not heal it). Sent: its own {@code GetCallerIdentity}, or the
     * SDK chain's {@code AssumeRoleWithWebIdentity} under IRSA. May have sent: credential resolution failed in a
     * provider that can call STS itself, i.e. the application's own provider (an {@code StsAssumeRoleCredentialsProvider},
     * say) or the default chain without Pod Identity environment (a profile with {@code role_arn}). Only the
     * default chain in a Pod Identity pod is known to ask nothing but the Pod Identity agent and IMDS, and any chain
     * whose failure was diagnosed as the agent's or its token file's.
     */
    private Duration backoffDelay() {
        boolean podIdentityChain = !credentials.applicationProvided()
                && environment.injection() == CredentialInjection.POD_IDENTITY;
        boolean stsBackoff = calledSts || stsNotReached || environment.irsaPresent()
                || (resolutionFailure != null && !podIdentityChain && resolutionFailure.mayHaveCalledSts());
        if (!stsBackoff) {
            return backoff.delay(consecutiveFailures++, localBackoffCap);
        }
        consecutiveFailures++;
        Optional<StsCallResult> webIdentityAnswer = resolutionFailure == null ? Optional.empty()
                : resolutionFailure.stsResult();
        if ((calledSts && lastStsCall == StsCallResult.THROTTLED)
                || webIdentityAnswer.filter(r -> r == StsCallResult.THROTTLED || r == StsCallResult.UNAVAILABLE)
                        .isPresent()) {
            // STS says the account's quota is spent, or the SDK's web identity provider got Throttling or no answer
            // and already retried it (up to 4 requests in this attempt): back off as for a persistent failure at once.
            stsFailures = Math.max(stsFailures, RoleProbeConfig.PERSISTENT_AFTER_ATTEMPTS);
        }
        return backoff.stsDelay(stsFailures++, config.backoffMax(), RoleProbeConfig.PERSISTENT_AFTER_ATTEMPTS,
                config.backoffPersistentMax());
    }

    private Duration nextRefresh(Instant confirmed, Instant now) {
        Duration untilMaxAge = Duration.between(now, confirmed.plus(config.maxAge()));
        Duration delay = untilMaxAge.compareTo(config.refreshInterval()) < 0 ? untilMaxAge : config.refreshInterval();
        return delay.isNegative() ? Duration.ZERO : delay;
    }

    /**
     * Adds a note to the reason of one state, or removes it: while the published state is {@code state}, its reason is
     * the verifier's own reason, a space, and {@code text}. For a component that acts on the state and must say what
     * it does or why it stopped (role-probe-heal's self-eviction of a {@code NOT_INJECTED} pod). The note is published
     * at once (probes see it) and logged by {@link LoggingListener} with the next attempt; it does not change the
     * state, so no {@link VerificationListener#stateChanged} follows. Keep {@code text} the same from call to call
     * while nothing changed (no times or counts that move), as reasons are. Thread-safe.
     *
     * @param state the state whose reason shows the note
     * @param text one or more sentences, without secrets; {@code null} or empty removes the note
     */
    public void note(VerificationState state, String text) {
        Objects.requireNonNull(state, "state");
        note = text == null || text.isEmpty() ? null : new StateNote(state, text);
        publish();
    }

    /** A note shown after the reason of {@code state}. */
    private record StateNote(VerificationState state, String text) {
    }

    /**
     * Returns how many STS {@code GetCallerIdentity} requests this verifier has sent: its attempts' and its request
     * guard's identifications, each counted once it was sent (an attempt that sent nothing, for want of a region say,
     * counts nothing). The snapshot's {@link VerificationSnapshot#stsCalls()} is this count at its publication. Its
     * requests carry {@code app/}{@value CallerIdentityClient#APP_ID} in their {@code User-Agent}. Thread-safe.
     *
     * @return the requests sent, zero or more
     */
    public long stsCalls() {
        return stsCallCount.get();
    }

    /**
     * Stops the background thread (waiting up to 5 s for a running attempt), fails nothing that waits
     * on {@link #verifyNow()} (their futures complete with the last snapshot), and releases the STS client
     * and any chain built here. Idempotent.
     */
    @Override
    public void close() {
        CompletableFuture<VerificationSnapshot> waiting;
        if (guard != null) {
            guard.deactivate();
        } else {
            RequestGuard.forgetEarlyRequests();
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            waiting = pending;
            pending = null;
            if (scheduled != null) {
                scheduled.cancel();
            }
        }
        if (!scheduler.shutdown(Duration.ofSeconds(5))) {
            LOG.warn("role-probe verifier thread did not stop within 5 s");
        }
        if (guard != null) {
            guard.deactivate();
        }
        sts.close();
        credentials.close();
        if (waiting != null) {
            waiting.complete(snapshot);
        }
    }

    /** Builds an {@link IdentityVerifier}. Not thread-safe. */
    public static final class Builder {
        private RoleProbeConfig config;
        private ApplicationCredentials credentials;
        private PodEnvironment environment;
        private Clock clock;
        private DoubleSupplier random;
        private VerifierScheduler scheduler;
        private final List<VerificationListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /**
         * @param v the configuration; required
         * @return this builder
         */
        public Builder config(RoleProbeConfig v) {
            config = v;
            return this;
        }

        /**
         * @param v the credentials to verify; default {@link ApplicationCredentials#defaultChain()}
         * @return this builder
         */
        public Builder credentials(ApplicationCredentials v) {
            credentials = v;
            return this;
        }

        /**
         * @param v the pod environment; default {@link PodEnvironment#system()}
         * @return this builder
         */
        public Builder environment(PodEnvironment v) {
            environment = v;
            return this;
        }

        /**
         * @param v the clock for snapshots and liveness; default UTC system clock
         * @return this builder
         */
        public Builder clock(Clock v) {
            clock = v;
            return this;
        }

        /**
         * @param v random numbers in [0, 1) for backoff jitter; default {@link ThreadLocalRandom}
         * @return this builder
         */
        public Builder random(DoubleSupplier v) {
            random = v;
            return this;
        }

        /**
         * @param v runs the attempts; default {@link VerifierScheduler#daemonThread()}. Shut down by
         *     {@link IdentityVerifier#close()}.
         * @return this builder
         */
        public Builder scheduler(VerifierScheduler v) {
            scheduler = v;
            return this;
        }

        /**
         * @param v a listener, called on the verifier thread
         * @return this builder
         */
        public Builder listener(VerificationListener v) {
            listeners.add(Objects.requireNonNull(v));
            return this;
        }

        /**
         * Builds the verifier; call {@link IdentityVerifier#start()} to begin.
         *
         * @return the verifier, not yet started
         * @throws NullPointerException when no configuration was given
         * @throws io.github.roleprobe.config.InvalidSettingException when no role is configured and
         *     {@code AWS_ROLE_ARN} holds a malformed ARN
         */
        public IdentityVerifier build() {
            IdentityVerifier verifier = new IdentityVerifier(this);
            for (VerificationListener listener : verifier.listeners) {
                try {
                    listener.attached(verifier);
                } catch (RuntimeException e) {
                    LOG.warn("role-probe listener {} failed: {}", listener.getClass().getName(), e.getClass().getName());
                }
            }
            return verifier;
        }
    }
}
