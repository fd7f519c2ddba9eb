package io.github.roleprobe.guard;

import io.github.roleprobe.arn.AssumedRoleArn;
import io.github.roleprobe.arn.IamRoleArn;
import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.credentials.CredentialSource;
import io.github.roleprobe.sts.CallerIdentityResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.CredentialUtils;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * One verifier's view of the requests that the application's AWS SDK clients sign: for each client, the access key
 * it signs with and whose identity that key is. The {@link RequestGuardInterceptor}, which the AWS SDK loads into
 * every client it builds, hands every signed request to every active guard ({@link #activate()}); the verifier takes
 * what the guard saw as evidence next to its own attempts.
 *
 * <h2>How a key's identity is known</h2>
 * <ul>
 *   <li>from STS {@code GetCallerIdentity}, asked once per access key id ({@link KeyIdentities}, shared with the
 *       verifier's own attempts: a key the verifier already identified costs nothing, and many clients that share one
 *       key cost one call);</li>
 *   <li>without any call, as the node role, when the credentials came from the EC2 instance profile (IMDS,
 *       {@link CredentialSource#INSTANCE_PROFILE}) while EKS Pod Identity or IRSA environment is present.</li>
 * </ul>
 * A key no one identified yet is identified with one call: in {@link GuardMode#OBSERVE} in the background, on the
 * verifier's thread (the request goes out meanwhile, shown as {@link RequestIdentity#UNIDENTIFIED}); in
 * {@link GuardMode#ENFORCE} by the requesting thread, which waits at most {@code role-probe.sts-timeout}. These calls
 * are bounded by {@code role-probe.guard.identifications-per-hour} (a token bucket, full at start): past it a new key
 * stays unidentified until a token is there again, and in enforce mode its requests are refused meanwhile.
 *
 * <h2>What it concludes</h2>
 * A client that signed a request with the node role or another identity than an expected or allowed role is
 * <em>wrong</em> until the same client signs a request with an expected or allowed role: its credential provider
 * chain keeps the provider that answered first, so its next request would go out the same way even if it sends none
 * for a while. {@link #evidence()} summarises the wrong clients for the verifier. At most {@value #MAX_CLIENTS}
 * clients are tracked; past that the one seen least recently that is not wrong is forgotten.
 *
 * <p>Secret keys and session tokens are read only to sign an identification call and never kept; health details and
 * exception messages show masked access key ids. Thread-safe; the request path allocates nothing for a client whose
 * key is settled.
 */
public final class RequestGuard {

    /** The most clients tracked. */
    public static final int MAX_CLIENTS = 256;
    /** The most clients listed in {@link #clientDetails()}, wrong ones first. */
    public static final int MAX_CLIENTS_IN_DETAILS = 20;
    private static final int MAX_BACKGROUND = 16;

    /** What the guard needs from its verifier. Implementations must be thread-safe. */
    public interface Hooks {
        /**
         * A client's identity changed in a way that can change the verifier's state, or a new wrong client was seen.
         * Called on the thread that saw it (an application thread or the verifier's), after the guard's state changed.
         */
        void evidenceChanged();

        /** Keys wait for identification in the background: run {@link RequestGuard#runBackground()} soon, on the verifier thread. */
        void backgroundWorkPending();

        /**
         * The guard sent an STS {@code GetCallerIdentity} call to identify a key (not counting calls it shared).
         *
         * @param result the call's result
         */
        void identificationSent(CallerIdentityResult result);

        /**
         * A service was seen for the first time (for example to register its meters).
         *
         * @param counters the service's request counters
         */
        void serviceSeen(ServiceCounters counters);
    }

    private final GuardMode mode;
    private final List<IamRoleArn> expected;
    private final List<IamRoleArn> allowed;
    private final boolean injectionPresent;
    private final KeyIdentities keys;
    private final Clock clock;
    private final Duration stsTimeout;
    private final TokenBucket budget;
    private final Hooks hooks;
    private final Map<Long, GuardedClient> clients = new ConcurrentHashMap<>();
    private final Map<String, ServiceCounters> services = new ConcurrentHashMap<>();
    private final Map<String, KeyView> views = new ConcurrentHashMap<>();
    private final Map<String, AwsCredentialsIdentity> background = new ConcurrentHashMap<>();
    private final Map<String, CredentialSource> sources = new ConcurrentHashMap<>();
    private volatile boolean active;

    private RequestGuard(RoleProbeConfig config, List<IamRoleArn> expected, boolean injectionPresent,
            KeyIdentities keys, Clock clock, Hooks hooks) {
        this.mode = config.guardMode();
        this.expected = List.copyOf(expected);
        this.allowed = config.guardAllowedRoleArns();
        this.injectionPresent = injectionPresent;
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stsTimeout = config.stsTimeout();
        this.budget = new TokenBucket(config.guardIdentificationsPerHour(), clock.millis());
        this.hooks = Objects.requireNonNull(hooks, "hooks");
    }

    /**
     * Creates a guard, not active yet.
     *
     * @param config mode, allowed roles, identification budget and STS timeout come from here; the mode must not be
     *     {@link GuardMode#OFF}
     * @param expected the verifier's expected roles
     * @param injectionPresent whether EKS Pod Identity or IRSA environment is present (instance-profile credentials are
     *     then the node role without an STS call)
     * @param keys the identities the verifier knows, shared with it
     * @param clock the verifier's clock
     * @param hooks the verifier's side
     * @return the guard
     * @throws IllegalArgumentException when the mode is {@link GuardMode#OFF}
     */
    public static RequestGuard create(RoleProbeConfig config, List<IamRoleArn> expected, boolean injectionPresent,
            KeyIdentities keys, Clock clock, Hooks hooks) {
        if (config.guardMode() == GuardMode.OFF) {
            throw new IllegalArgumentException(RoleProbeConfig.GUARD_MODE + " is off: no guard");
        }
        return new RequestGuard(config, expected, injectionPresent, keys, clock, hooks);
    }

    /**
     * Starts receiving the requests of every AWS SDK client in this JVM (of this class loader), and adopts the clients
     * that signed requests with instance-profile credentials while no guard was active yet (an application client
     * warmed up before the verifier was created): with EKS Pod Identity or IRSA environment present they are wrong
     * (the node role) from the start, without an STS call. Idempotent.
     */
    public void activate() {
        if (active) {
            return;
        }
        active = true;
        List<EarlyRequests.Early> early = EarlyRequests.drain();
        RequestGuards.register(this);
        if (!injectionPresent || early.isEmpty()) {
            return;
        }
        for (EarlyRequests.Early e : early) {
            GuardedClient client = register(e.clientId(), e.service());
            KeyView key = keep(mode == GuardMode.OBSERVE ? KeyView.nodeRoleToLookUp(e.accessKeyId())
                    : KeyView.settled(e.accessKeyId(), CredentialSource.INSTANCE_PROFILE, RequestIdentity.NODE_ROLE,
                            null));
            synchronized (client) {
                client.key = key;
                client.keyOperation = e.operation();
                client.lastSeenMillis = e.seenAt().toEpochMilli();
                client.wrongKey = key;
                client.wrongOperation = e.operation();
                client.wrongSince = e.seenAt();
            }
        }
        hooks.evidenceChanged();
    }

    /** Stops receiving requests, and forgets requests remembered while no guard was active. Idempotent. */
    public void deactivate() {
        active = false;
        RequestGuards.unregister(this);
        EarlyRequests.forget();
    }

    /**
     * Forgets the requests remembered while no guard was active (see {@link #activate()}): a verifier whose guard is
     * off calls this when it closes, so that a later verifier in the same JVM (as in tests) adopts nothing of it.
     */
    public static void forgetEarlyRequests() {
        EarlyRequests.forget();
    }

    /** @return whether {@link #activate()} was called and {@link #deactivate()} was not */
    public boolean active() {
        return active;
    }

    /** @return the mode */
    public GuardMode mode() {
        return mode;
    }

    // ------------------------------------------------------------------ request path

    GuardedClient register(long clientId, String serviceName) {
        GuardedClient existing = clients.get(clientId);
        if (existing != null) {
            return existing; // adopted from the requests seen before activation
        }
        String service = ServiceCounters.tag(serviceName);
        ServiceCounters counters = services.get(service);
        if (counters == null) {
            ServiceCounters fresh = new ServiceCounters(service);
            counters = services.putIfAbsent(service, fresh);
            if (counters == null) {
                counters = fresh;
                hooks.serviceSeen(fresh);
            }
        }
        GuardedClient client = new GuardedClient(clientId, this, counters);
        if (clients.size() >= MAX_CLIENTS) {
            clients.values().stream()
                    .filter(c -> !c.wrong())
                    .min(Comparator.comparingLong(c -> c.lastSeenMillis))
                    .ifPresent(c -> clients.remove(c.id, c));
        }
        clients.put(clientId, client);
        return client;
    }

    /**
     * Judges one signed request of {@code client}. Allocation-free when the client signs with the key it signed with
     * before and that key's identity is settled.
     *
     * @throws SdkClientException in enforce mode, when the identity is not an expected or allowed role
     */
    void check(GuardedClient client, AwsCredentialsIdentity credentials, String accessKeyId,
            ExecutionAttributes attributes) {
        long now = clock.millis();
        KeyView key = client.key;
        if (key == null || !(key.accessKeyId == accessKeyId || key.accessKeyId.equals(accessKeyId))
                || (!key.settled && now >= key.retryAtMillis)) {
            key = learn(client, credentials, accessKeyId, attributes, now);
        } else if (key.lookupCaller) {
            // Adopted from before activation without credentials: these are the key's, learn its caller ARN once.
            KeyView looked = keep(key.withoutLookup());
            client.key = looked;
            synchronized (client) {
                if (client.wrongKey == key) {
                    client.wrongKey = looked;
                }
            }
            if (keys.known(accessKeyId).isEmpty()) {
                queue(accessKeyId, credentials);
            }
            key = looked;
        }
        if (client.lastSeenMillis != now) {
            // A volatile store is a full fence; most requests of a busy client fall in the same millisecond.
            client.lastSeenMillis = now;
        }
        boolean refuse = mode == GuardMode.ENFORCE && !key.identity.permitted();
        client.counters.increment(key.identity, refuse);
        if (refuse) {
            throw SdkClientException.create(GuardMessages.refusal(client.service(),
                    attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), key, expected));
        }
        // The identity first: client.wrong() takes the client's lock, which a permitted request never needs.
        if (key.identity.wrong() && !client.wrong()) {
            // The key became wrong after the client took it (a background identification): record the request.
            update(client, key);
        }
    }

    private KeyView learn(GuardedClient client, AwsCredentialsIdentity credentials, String accessKeyId,
            ExecutionAttributes attributes, long now) {
        client.keyOperation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        KeyView view = views.get(accessKeyId);
        if (view == null || (!view.settled && now >= view.retryAtMillis)) {
            view = identify(credentials, accessKeyId, source(credentials), now);
        }
        update(client, view);
        return view;
    }

    private KeyView identify(AwsCredentialsIdentity credentials, String accessKeyId, CredentialSource source,
            long now) {
        KeyView withoutCall = withoutCall(accessKeyId, source);
        if (withoutCall != null) {
            if (withoutCall.callerArn == null && mode == GuardMode.OBSERVE && keys.known(accessKeyId).isEmpty()) {
                // Observe mode sends the node role's requests anyway: learn its caller ARN for the reason. Enforce mode
                // sends nothing signed with it, not even this call.
                queue(accessKeyId, credentials);
            }
            return withoutCall;
        }
        if (mode == GuardMode.ENFORCE) {
            return identifyNow(credentials, accessKeyId, source, now);
        }
        KeyView pending = keep(KeyView.unidentified(accessKeyId, source, Long.MAX_VALUE,
                "identification by STS pending"));
        if (background.size() < MAX_BACKGROUND) {
            queue(accessKeyId, credentials);
            return pending;
        }
        return keep(KeyView.unidentified(accessKeyId, source, now + 1000, "identification queue full"));
    }

    /** @return the key's identity if it is known without an STS call, else {@code null} */
    private KeyView withoutCall(String accessKeyId, CredentialSource source) {
        Optional<KeyIdentities.Identified> known = keys.known(accessKeyId);
        if (known.isPresent()) {
            return settle(accessKeyId, source, known.get().callerArn());
        }
        if (source == CredentialSource.INSTANCE_PROFILE && injectionPresent) {
            return keep(KeyView.settled(accessKeyId, source, RequestIdentity.NODE_ROLE, null));
        }
        return null;
    }

    /**
     * Queues a key for identification on the verifier's thread: a key whose identity is unknown (observe mode), or a
     * node-role key known by its source, whose caller ARN is then learnt for the reason (budget permitting).
     */
    private void queue(String accessKeyId, AwsCredentialsIdentity credentials) {
        if (background.size() < MAX_BACKGROUND) {
            background.putIfAbsent(accessKeyId, credentials);
            hooks.backgroundWorkPending();
        }
    }

    private KeyView identifyNow(AwsCredentialsIdentity credentials, String accessKeyId, CredentialSource source,
            long now) {
        if (!budget.tryTake(now)) {
            return keep(KeyView.unidentified(accessKeyId, source, budget.nextTokenAt(now),
                    GuardMessages.budgetSpent(budget.capacity())));
        }
        KeyIdentities.Outcome outcome = keys.identify(accessKeyId, CredentialUtils.toCredentials(credentials),
                stsTimeout);
        if (outcome.sent()) {
            hooks.identificationSent(outcome.result());
        } else {
            budget.giveBack();
        }
        CallerIdentityResult result = outcome.result();
        if (result.arn().isPresent()) {
            return settle(accessKeyId, source, result.arn().get());
        }
        return keep(KeyView.unidentified(accessKeyId, source, now,
                "STS could not identify it: " + result.reason().orElse("no answer")));
    }

    private KeyView settle(String accessKeyId, CredentialSource source, String callerArn) {
        return keep(KeyView.settled(accessKeyId, source, judge(callerArn, source), callerArn));
    }

    private KeyView keep(KeyView view) {
        if (views.size() >= KeyIdentities.MAX_KEYS && !views.containsKey(view.accessKeyId)) {
            views.values().removeIf(v -> !v.settled);
            if (views.size() >= KeyIdentities.MAX_KEYS) {
                views.clear();
            }
        }
        views.put(view.accessKeyId, view);
        return view;
    }

    private RequestIdentity judge(String callerArn, CredentialSource source) {
        Optional<AssumedRoleArn> caller = AssumedRoleArn.parse(callerArn);
        if (caller.isPresent() && expected.stream().anyMatch(r -> r.matches(caller.get()))) {
            return RequestIdentity.EXPECTED;
        }
        if (caller.isPresent() && allowed.stream().anyMatch(r -> r.matches(caller.get()))) {
            return RequestIdentity.ALLOWED;
        }
        if (source == CredentialSource.INSTANCE_PROFILE
                || caller.map(AssumedRoleArn::sessionNameIsInstanceId).orElse(false)) {
            return RequestIdentity.NODE_ROLE;
        }
        return RequestIdentity.OTHER;
    }

    private CredentialSource source(AwsCredentialsIdentity credentials) {
        Optional<String> name = credentials.providerName();
        if (name.isEmpty()) {
            return CredentialSource.UNKNOWN;
        }
        return sources.computeIfAbsent(name.get(), n -> CredentialSource.fromProviderName(Optional.of(n)));
    }

    private void update(GuardedClient client, KeyView key) {
        boolean changed;
        synchronized (client) {
            KeyView before = client.key;
            client.key = key;
            boolean wasWrong = client.wrongKey != null;
            if (key.identity.wrong() && !wasWrong) {
                client.wrongKey = key;
                client.wrongOperation = client.keyOperation;
                client.wrongSince = clock.instant();
            } else if (key.identity.permitted()) {
                client.wrongKey = null;
                client.wrongOperation = null;
                client.wrongSince = null;
            }
            changed = wasWrong != (client.wrongKey != null) || before == null || before.identity != key.identity;
        }
        if (changed) {
            hooks.evidenceChanged();
        }
    }

    // ------------------------------------------------------------------ verifier side

    /**
     * Identifies the keys queued by observe mode, one STS call each within the budget. Run on the verifier's thread;
     * calls {@link Hooks#evidenceChanged()} once when it identified anything.
     */
    public void runBackground() {
        boolean any = false;
        for (String accessKeyId : List.copyOf(background.keySet())) {
            AwsCredentialsIdentity credentials = background.remove(accessKeyId);
            if (credentials == null) {
                continue;
            }
            CredentialSource source = source(credentials);
            KeyView view = views.get(accessKeyId);
            if (view != null && view.settled && view.callerArn == null) {
                // A node role known by its source: learn its caller ARN for the reason.
                if (keys.known(accessKeyId).isEmpty() && budget.tryTake(clock.millis())) {
                    KeyIdentities.Outcome outcome = keys.identify(accessKeyId,
                            CredentialUtils.toCredentials(credentials), stsTimeout);
                    if (outcome.sent()) {
                        hooks.identificationSent(outcome.result());
                    } else {
                        budget.giveBack();
                    }
                }
                any = true;
                continue;
            }
            view = withoutCall(accessKeyId, source);
            if (view == null) {
                view = identifyNow(credentials, accessKeyId, source, clock.millis());
            }
            for (GuardedClient client : clients.values()) {
                KeyView current = client.key;
                if (current != null && current.accessKeyId.equals(accessKeyId) && current != view) {
                    update(client, view);
                }
            }
            any = true;
        }
        if (any) {
            hooks.evidenceChanged();
        }
    }

    /**
     * Summarises the wrong clients.
     *
     * @return the evidence against the pod's identity: the wrong client seen first, and how many are wrong; empty
     *     when no client is wrong
     */
    public Optional<GuardEvidence> evidence() {
        GuardedClient first = null;
        KeyView firstKey = null;
        String firstOperation = null;
        Instant firstSince = null;
        int wrong = 0;
        for (GuardedClient client : clients.values()) {
            synchronized (client) {
                if (client.wrongKey == null) {
                    continue;
                }
                wrong++;
                if (firstSince == null || client.wrongSince.isBefore(firstSince)
                        || (client.wrongSince.equals(firstSince) && client.id < first.id)) {
                    first = client;
                    firstKey = client.wrongKey;
                    firstOperation = client.wrongOperation;
                    firstSince = client.wrongSince;
                }
            }
        }
        if (first == null) {
            return Optional.empty();
        }
        KeyView known = callerKnown(firstKey);
        return Optional.of(new GuardEvidence(known.identity == RequestIdentity.NODE_ROLE
                ? RequestIdentity.NODE_ROLE : RequestIdentity.OTHER, first.service(), firstOperation,
                known.callerArn, known.source, known.maskedAccessKeyId, firstSince, wrong, expected));
    }

    /** A node-role key judged by its source has no caller ARN; the verifier may have learnt it since. */
    private KeyView callerKnown(KeyView key) {
        if (key.callerArn != null) {
            return key;
        }
        return keys.known(key.accessKeyId)
                .map(k -> KeyView.settled(key.accessKeyId, key.source, key.identity, k.callerArn()))
                .orElse(key);
    }

    /**
     * The tracked clients for health details, wrong ones first, then by first sight; at most
     * {@value #MAX_CLIENTS_IN_DETAILS}. Each: {@code service}, {@code identity} ({@link RequestIdentity#tagValue()}),
     * {@code credentialSource}, {@code accessKeyId} (masked), {@code callerArn} when known, {@code lastSeen},
     * {@code requests}, and for a wrong client {@code wrongSince} and {@code wrongOperation}.
     *
     * @return an unmodifiable list of unmodifiable maps of strings and numbers
     */
    public List<Map<String, Object>> clientDetails() {
        List<GuardedClient> sorted = new ArrayList<>(clients.values());
        sorted.sort(Comparator.comparing((GuardedClient c) -> !c.wrong()).thenComparingLong(c -> c.id));
        List<Map<String, Object>> out = new ArrayList<>();
        for (GuardedClient client : sorted) {
            if (out.size() == MAX_CLIENTS_IN_DETAILS) {
                break;
            }
            KeyView key = client.key;
            if (key == null) {
                continue;
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("service", client.service());
            synchronized (client) {
                KeyView shown = callerKnown(client.wrongKey != null ? client.wrongKey : key);
                d.put("identity", (client.wrongKey != null ? client.wrongKey : key).identity.tagValue());
                d.put("credentialSource", shown.source.name());
                d.put("accessKeyId", shown.maskedAccessKeyId);
                if (shown.callerArn != null) {
                    d.put("callerArn", shown.callerArn);
                }
                if (!key.settled && key.note != null) {
                    d.put("note", key.note);
                }
                if (client.wrongKey != null) {
                    d.put("wrongSince", client.wrongSince.toString());
                    if (client.wrongOperation != null) {
                        d.put("wrongOperation", client.wrongOperation);
                    }
                }
            }
            d.put("lastSeen", Instant.ofEpochMilli(client.lastSeenMillis).toString());
            out.add(Collections.unmodifiableMap(d));
        }
        return Collections.unmodifiableList(out);
    }

    /** @return the services seen so far and their request counters */
    public Collection<ServiceCounters> services() {
        return Collections.unmodifiableCollection(services.values());
    }
}
