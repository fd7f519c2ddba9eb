package io.github.roleprobe.metrics;

import io.github.roleprobe.arn.IamRoleArn;
import io.github.roleprobe.credentials.CredentialSource;
import io.github.roleprobe.guard.RequestIdentity;
import io.github.roleprobe.guard.ServiceCounters;
import io.github.roleprobe.sts.StsCallResult;
import io.github.roleprobe.verify.AttemptReport;
import io.github.roleprobe.verify.VerificationListener;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Micrometer metrics of one {@link io.github.roleprobe.verify.IdentityVerifier}: register it as the verifier's
 * listener ({@code IdentityVerifier.builder().listener(metrics)}) before {@code start()}, and bind it to a
 * {@link MeterRegistry} (framework starters do both).
 *
 * <table>
 *   <caption>Meters (Prometheus names in {@code docs/metrics.md})</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>meaning</th></tr>
 *   <tr><td>{@value #STATE}</td><td>gauge, 0 or 1</td><td>{@code state} ({@link StateTag}), {@code role}</td>
 *       <td>1 for the current state, 0 for the others: sum across pods to count pods per state</td></tr>
 *   <tr><td>{@value #ATTEMPTS}</td><td>function timer, seconds</td>
 *       <td>{@code outcome} ({@link StateTag} the attempt published), {@code source}, {@code role}</td>
 *       <td>verification attempts and their duration</td></tr>
 *   <tr><td>{@value #TIME_TO_VERIFIED}</td><td>timer, seconds, recorded once</td><td>{@code role}</td>
 *       <td>from {@code IdentityVerifier.createdAt()} to the first {@code VERIFIED}</td></tr>
 *   <tr><td>{@value #STS_CALLS}</td><td>function counter</td><td>{@code result} ({@link StsCallResult}), {@code role}</td>
 *       <td>STS {@code GetCallerIdentity} calls, the verifier's attempts' and the request guard's</td></tr>
 *   <tr><td>{@value #NODE_ROLE_DETECTIONS}</td><td>function counter</td><td>{@code role}</td>
 *       <td>entries into {@code WRONG_IDENTITY}/{@code NODE_ROLE}</td></tr>
 *   <tr><td>{@value #GUARD_REQUESTS}</td><td>function counter</td>
 *       <td>{@code service}, {@code identity} ({@link RequestIdentity}), {@code outcome} ({@code sent} or
 *       {@code refused}), {@code role}</td>
 *       <td>application requests the request guard saw</td></tr>
 * </table>
 *
 * <p>Tags are bounded: the state, outcome, STS result and credential source come from small enums, and
 * {@code role} is the expected role <em>name</em> from configuration (several joined by {@code ,};
 * {@value #NO_ROLE} when none), never an ARN with an account, a session name, an access key or anything
 * per pod. Add per-pod identity as Prometheus target labels, not as tags.
 *
 * <p>The counts live in this object, not in the registry: a registry bound late (Micronaut creates its
 * registry lazily) still sees every attempt since the verifier started, and binding to several registries works.
 * The listener runs on the verifier thread; it updates atomics and takes this object's lock only the first time
 * an (outcome, source) pair occurs and once at the first {@code VERIFIED}. Gauges and function meters read
 * volatile fields: no lock, no allocation, no network on scrape.
 *
 * <p>Thread-safe. Listen to one verifier only.
 */
public final class RoleProbeMetrics implements MeterBinder, VerificationListener {

    /** Gauge: 1 for the current state, 0 for the others. */
    public static final String STATE = "role.probe.state";
    /** Function timer: verification attempts by outcome and credential source. */
    public static final String ATTEMPTS = "role.probe.attempts";
    /** Timer recorded once: time from the verifier's creation to its first {@code VERIFIED}. */
    public static final String TIME_TO_VERIFIED = "role.probe.time.to.verified";
    /** Function counter: STS {@code GetCallerIdentity} calls by result. */
    public static final String STS_CALLS = "role.probe.sts.calls";
    /** Function counter: entries into {@code WRONG_IDENTITY}/{@code NODE_ROLE}. */
    public static final String NODE_ROLE_DETECTIONS = "role.probe.node.role.detections";
    /** Function counter: application requests the request guard saw, by service, identity and outcome. */
    public static final String GUARD_REQUESTS = "role.probe.guard.requests";

    /** Tag of {@value #STATE}: a {@link StateTag#tagValue()}. */
    public static final String TAG_STATE = "state";
    /** Tag of {@value #ATTEMPTS}: the {@link StateTag#tagValue()} the attempt published. */
    public static final String TAG_OUTCOME = "outcome";
    /** Tag of {@value #ATTEMPTS}: the lower-case {@link CredentialSource}, or {@value #NO_SOURCE}. */
    public static final String TAG_SOURCE = "source";
    /** Tag of {@value #STS_CALLS}: {@link StsCallResult#tagValue()}. */
    public static final String TAG_RESULT = "result";
    /** Tag of {@value #GUARD_REQUESTS}: the AWS service, as {@link ServiceCounters#service()}. */
    public static final String TAG_SERVICE = "service";
    /** Tag of {@value #GUARD_REQUESTS}: the {@link RequestIdentity#tagValue()} that signed the requests. */
    public static final String TAG_IDENTITY = "identity";
    /** Tag of every meter: the expected role name(s). */
    public static final String TAG_ROLE = "role";
    /** Value of {@value #TAG_SOURCE} when the attempt resolved no credentials. */
    public static final String NO_SOURCE = "none";
    /** Value of {@value #TAG_ROLE} when no role is expected. */
    public static final String NO_ROLE = "none";

    /** Bucket bounds (service-level objectives) of {@value #TIME_TO_VERIFIED}, for fleet histograms. */
    static final Duration[] TIME_TO_VERIFIED_BUCKETS = {
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(15), Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(45),
        Duration.ofSeconds(60), Duration.ofSeconds(90), Duration.ofSeconds(120), Duration.ofSeconds(180),
        Duration.ofSeconds(300), Duration.ofSeconds(600)};

    private static final StateTag[] STATES = StateTag.values();
    private static final StsCallResult[] RESULTS = StsCallResult.values();
    private static final CredentialSource[] SOURCES = CredentialSource.values();
    /** Slot 0 is "no source", slot {@code i + 1} is {@code SOURCES[i]}. */
    private static final int SOURCE_SLOTS = SOURCES.length + 1;

    private final String role;
    private volatile int state = StateTag.PENDING.ordinal();
    private final AtomicLongArray stsCalls = new AtomicLongArray(RESULTS.length);
    private final AtomicLong nodeRoleDetections = new AtomicLong();
    private final AtomicLongArray attemptCounts = new AtomicLongArray(STATES.length * SOURCE_SLOTS);
    private final AtomicLongArray attemptNanos = new AtomicLongArray(STATES.length * SOURCE_SLOTS);
    private volatile long timeToVerifiedNanos = -1;
    private final List<Binding> bindings = new ArrayList<>(); // guarded by this
    private final List<ServiceCounters> guardServices = new ArrayList<>(); // guarded by this

    /**
     * @param expectedRoles the roles the verifier expects (their names become the {@value #TAG_ROLE} tag)
     */
    public RoleProbeMetrics(List<IamRoleArn> expectedRoles) {
        this.role = roleTag(expectedRoles);
    }

    /**
     * The value of the {@value #TAG_ROLE} tag: the role names (not the ARNs) in configured order, duplicates
     * (ignoring case) dropped, joined by {@code ,}; {@value #NO_ROLE} when there is none.
     *
     * @param expectedRoles the expected roles
     * @return the tag value
     */
    public static String roleTag(List<IamRoleArn> expectedRoles) {
        Map<String, String> names = new LinkedHashMap<>();
        for (IamRoleArn arn : Objects.requireNonNull(expectedRoles, "expectedRoles")) {
            names.putIfAbsent(arn.roleName().toLowerCase(Locale.ROOT), arn.roleName());
        }
        return names.isEmpty() ? NO_ROLE : String.join(",", names.values());
    }

    /** @return the value of the {@value #TAG_ROLE} tag */
    public String role() {
        return role;
    }

    /**
     * Registers the meters in {@code registry}, with the counts observed so far. May be called for several
     * registries; binding the same registry twice has no further effect.
     *
     * @param registry the registry
     */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        for (Binding b : bindings) {
            if (b.registry == registry) {
                return;
            }
        }
        Tags roleTag = Tags.of(TAG_ROLE, role);
        for (StateTag s : STATES) {
            int ordinal = s.ordinal();
            Gauge.builder(STATE, this, m -> m.state == ordinal ? 1.0 : 0.0)
                    .description("1 when role-probe's verifier is in this state, else 0")
                    .tags(roleTag).tag(TAG_STATE, s.tagValue())
                    .strongReference(true)
                    .register(registry);
        }
        for (StsCallResult r : RESULTS) {
            int ordinal = r.ordinal();
            FunctionCounter.builder(STS_CALLS, this, m -> m.stsCalls.get(ordinal))
                    .description("STS GetCallerIdentity calls made by role-probe, by result")
                    .tags(roleTag).tag(TAG_RESULT, r.tagValue())
                    .register(registry);
        }
        FunctionCounter.builder(NODE_ROLE_DETECTIONS, this, m -> m.nodeRoleDetections.get())
                .description("Times role-probe found the node role (WRONG_IDENTITY/NODE_ROLE) after another state")
                .tags(roleTag)
                .register(registry);
        Timer timeToVerified = Timer.builder(TIME_TO_VERIFIED)
                .description("Time from the start of role-probe's verifier to its first VERIFIED; recorded once")
                .tags(roleTag)
                .serviceLevelObjectives(TIME_TO_VERIFIED_BUCKETS)
                .register(registry);
        Binding binding = new Binding(registry, roleTag, timeToVerified);
        bindings.add(binding);
        for (int slot = 0; slot < attemptCounts.length(); slot++) {
            if (attemptCounts.get(slot) > 0) {
                binding.registerAttempts(this, slot);
            }
        }
        long nanos = timeToVerifiedNanos;
        if (nanos >= 0) {
            binding.recordTimeToVerified(nanos);
        }
        for (ServiceCounters counters : guardServices) {
            binding.registerGuard(counters);
        }
    }

    /**
     * Updates the counts from a finished attempt. Runs on the verifier thread; quick, never throws for valid
     * reports.
     *
     * @param report the attempt
     */
    @Override
    public void attemptFinished(AttemptReport report) {
        VerificationSnapshot current = report.current();
        StateTag outcome = StateTag.of(current);
        Optional<StsCallResult> call = report.stsCall();
        if (call.isPresent()) {
            stsCalls.incrementAndGet(call.get().ordinal());
        }
        Optional<CredentialSource> source = current.credentialSource();
        int slot = outcome.ordinal() * SOURCE_SLOTS + (source.isPresent() ? source.get().ordinal() + 1 : 0);
        attemptNanos.addAndGet(slot, Math.max(0, report.duration().toNanos()));
        if (attemptCounts.incrementAndGet(slot) == 1) {
            registerAttempts(slot);
        }
        Optional<Duration> timeToVerified = report.timeToFirstVerified();
        if (timeToVerified.isPresent()) {
            recordTimeToVerified(Math.max(0, timeToVerified.get().toNanos()));
        }
        // Last, and volatile: a scrape that sees the new state also sees the counts of the attempt that led to it.
        state = outcome.ordinal();
    }

    /**
     * Updates the state gauge and counts entries into {@code WRONG_IDENTITY}/{@code NODE_ROLE}, for changes of
     * attempts and of the request guard alike.
     *
     * @param previous the snapshot before the change
     * @param current the snapshot after it
     */
    @Override
    public void stateChanged(VerificationSnapshot previous, VerificationSnapshot current) {
        StateTag now = StateTag.of(current);
        if (now == StateTag.WRONG_IDENTITY_NODE_ROLE && StateTag.of(previous) != StateTag.WRONG_IDENTITY_NODE_ROLE) {
            nodeRoleDetections.incrementAndGet();
        }
        state = now.ordinal();
    }

    /**
     * Counts an STS call of the request guard.
     *
     * @param result its result
     */
    @Override
    public void identificationFinished(StsCallResult result) {
        stsCalls.incrementAndGet(result.ordinal());
    }

    /**
     * Registers the {@value #GUARD_REQUESTS} counters of a service in every bound registry.
     *
     * @param counters the service's counters
     */
    @Override
    public synchronized void guardServiceSeen(ServiceCounters counters) {
        if (!guardServices.contains(counters)) {
            guardServices.add(counters);
            for (Binding b : bindings) {
                b.registerGuard(counters);
            }
        }
    }

    private synchronized void registerAttempts(int slot) {
        for (Binding b : bindings) {
            b.registerAttempts(this, slot);
        }
    }

    private synchronized void recordTimeToVerified(long nanos) {
        if (timeToVerifiedNanos >= 0) {
            return;
        }
        timeToVerifiedNanos = nanos;
        for (Binding b : bindings) {
            b.recordTimeToVerified(nanos);
        }
    }

    private static String sourceTag(int sourceSlot) {
        return sourceSlot == 0 ? NO_SOURCE : SOURCES[sourceSlot - 1].name().toLowerCase(Locale.ROOT);
    }

    /** The meters of one registry. Guarded by the enclosing instance. */
    private static final class Binding {
        final MeterRegistry registry;
        final Tags roleTag;
        final Timer timeToVerified;
        boolean timeToVerifiedRecorded;

        Binding(MeterRegistry registry, Tags roleTag, Timer timeToVerified) {
            this.registry = registry;
            this.roleTag = roleTag;
            this.timeToVerified = timeToVerified;
        }

        void registerAttempts(RoleProbeMetrics m, int slot) {
            // Registering an existing id returns the existing meter: calling this twice is harmless.
            FunctionTimer.builder(ATTEMPTS, m, x -> x.attemptCounts.get(slot), x -> x.attemptNanos.get(slot),
                            TimeUnit.NANOSECONDS)
                    .description("role-probe verification attempts, by the state they published and the credential source")
                    .tags(roleTag)
                    .tag(TAG_OUTCOME, STATES[slot / SOURCE_SLOTS].tagValue())
                    .tag(TAG_SOURCE, sourceTag(slot % SOURCE_SLOTS))
                    .register(registry);
        }

        void registerGuard(ServiceCounters counters) {
            for (RequestIdentity identity : RequestIdentity.values()) {
                for (boolean refused : new boolean[] {false, true}) {
                    if (refused && identity.permitted()) {
                        continue; // never refused
                    }
                    FunctionCounter.builder(GUARD_REQUESTS, counters, c -> c.count(identity, refused))
                            .description("Application AWS SDK requests role-probe's request guard saw, by the identity"
                                    + " that signed them and whether they were sent or refused (enforce mode)")
                            .tags(roleTag)
                            .tag(TAG_SERVICE, counters.service())
                            .tag(TAG_IDENTITY, identity.tagValue())
                            .tag(TAG_OUTCOME, refused ? "refused" : "sent")
                            .register(registry);
                }
            }
        }

        void recordTimeToVerified(long nanos) {
            if (!timeToVerifiedRecorded) {
                timeToVerifiedRecorded = true;
                timeToVerified.record(nanos, TimeUnit.NANOSECONDS);
            }
        }
    }
}
