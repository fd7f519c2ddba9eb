package io.github.roleprobe.verify;

import io.github.roleprobe.credentials.CredentialSource;
import io.github.roleprobe.environment.CredentialInjection;
import io.github.roleprobe.guard.GuardMode;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable picture of the verifier's latest conclusion. Probes read it; it never triggers a
 * credential resolution or an STS call.
 *
 * <p>Nothing in a snapshot is secret: the access key id is masked (first four and last four
 * characters), and secret keys and session tokens are never stored. Immutable and thread-safe.
 */
public final class VerificationSnapshot {

    private final VerificationState state;
    private final WrongIdentityKind wrongIdentityKind;
    private final String reason;
    private final String remedy;
    private final List<String> expectedRoles;
    private final String callerArn;
    private final CredentialSource credentialSource;
    private final String maskedAccessKeyId;
    private final CredentialInjection injection;
    private final boolean irsaToo;
    private final boolean inKubernetes;
    private final Instant stateSince;
    private final Instant lastCheck;
    private final Instant lastConfirmed;
    private final Instant firstVerified;
    private final boolean stale;
    private final long attempts;
    private final long stsCalls;
    private final Instant livenessDeadline;
    private final GuardMode guardMode;
    private final List<Map<String, Object>> clients;
    private final Map<String, Object> details;

    private VerificationSnapshot(Builder b) {
        this.state = Objects.requireNonNull(b.state, "state");
        this.wrongIdentityKind = b.state == VerificationState.WRONG_IDENTITY
                ? Objects.requireNonNull(b.wrongIdentityKind, "wrongIdentityKind") : null;
        this.reason = Objects.requireNonNull(b.reason, "reason");
        this.remedy = Objects.requireNonNull(b.remedy, "remedy");
        this.expectedRoles = List.copyOf(b.expectedRoles);
        this.callerArn = b.callerArn;
        this.credentialSource = b.credentialSource;
        this.maskedAccessKeyId = b.maskedAccessKeyId;
        this.injection = Objects.requireNonNull(b.injection, "injection");
        this.irsaToo = b.irsaToo && b.injection == CredentialInjection.POD_IDENTITY;
        this.inKubernetes = b.inKubernetes;
        this.stateSince = Objects.requireNonNull(b.stateSince, "stateSince");
        this.lastCheck = b.lastCheck;
        this.lastConfirmed = b.lastConfirmed;
        this.firstVerified = b.firstVerified;
        this.stale = b.stale && b.state == VerificationState.VERIFIED;
        this.attempts = b.attempts;
        this.stsCalls = b.stsCalls;
        this.livenessDeadline = b.livenessDeadline;
        this.guardMode = b.guardMode;
        this.clients = List.copyOf(b.clients);
        this.details = buildDetails();
    }

    /**
     * Starts a builder. Used by the verifier and by tests of code that consumes snapshots.
     *
     * @return a new builder; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this snapshot's values */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Readiness: UP only when {@link VerificationState#VERIFIED}, stale or not.
     *
     * @return {@code true} when the application may serve traffic
     */
    public boolean ready() {
        return state == VerificationState.VERIFIED;
    }

    /**
     * Liveness at {@code now}: DOWN only for a wrong identity that a container restart can fix (Pod
     * Identity or IRSA environment present) and that has lasted longer than the liveness grace period.
     * Allocation-free.
     *
     * @param now the current instant of the verifier's clock
     * @return {@code false} when the container should be restarted
     */
    public boolean live(Instant now) {
        return livenessDeadline == null || now.isBefore(livenessDeadline);
    }

    /**
     * Liveness now by {@code clock}, as {@link #live(Instant)}, but reads the clock only while a liveness deadline
     * is pending: in every other state this is a field read, allocation-free even where the JIT does not
     * eliminate the {@link Instant}.
     *
     * @param clock the verifier's clock ({@link IdentityVerifier#clock()})
     * @return {@code false} when the container should be restarted
     */
    public boolean live(Clock clock) {
        return livenessDeadline == null || clock.instant().isBefore(livenessDeadline);
    }

    /** @return the state */
    public VerificationState state() {
        return state;
    }

    /** @return the kind of wrong identity; present only in {@link VerificationState#WRONG_IDENTITY} */
    public Optional<WrongIdentityKind> wrongIdentityKind() {
        return Optional.ofNullable(wrongIdentityKind);
    }

    /** @return one line saying why the verifier is in this state */
    public String reason() {
        return reason;
    }

    /** @return one line saying what a person can do about it */
    public String remedy() {
        return remedy;
    }

    /** @return the expected role ARNs, as configured or taken from {@code AWS_ROLE_ARN} */
    public List<String> expectedRoles() {
        return expectedRoles;
    }

    /** @return the caller ARN STS returned for the current credentials, if any answer was had */
    public Optional<String> callerArn() {
        return Optional.ofNullable(callerArn);
    }

    /** @return where the current credentials came from, if any were resolved */
    public Optional<CredentialSource> credentialSource() {
        return Optional.ofNullable(credentialSource);
    }

    /** @return the masked access key id of the current credentials, for example {@code ASIA…WXYZ} */
    public Optional<String> maskedAccessKeyId() {
        return Optional.ofNullable(maskedAccessKeyId);
    }

    /**
     * @return {@code true} when IRSA environment is present next to EKS Pod Identity's ({@link #injection()} is then
     *     {@link CredentialInjection#POD_IDENTITY}), in which case the SDK default credential provider chain uses IRSA,
     *     which it asks first
     */
    public boolean irsaAlsoInjected() {
        return irsaToo;
    }

    /** @return which credential injection the pod's environment shows */
    public CredentialInjection injection() {
        return injection;
    }

    /** @return whether {@code KUBERNETES_SERVICE_HOST} is set */
    public boolean inKubernetes() {
        return inKubernetes;
    }

    /** @return when the current state (and wrong-identity kind) began */
    public Instant stateSince() {
        return stateSince;
    }

    /** @return when the last attempt finished, empty before the first */
    public Optional<Instant> lastCheck() {
        return Optional.ofNullable(lastCheck);
    }

    /** @return when STS last confirmed an expected role, empty if never */
    public Optional<Instant> lastConfirmed() {
        return Optional.ofNullable(lastConfirmed);
    }

    /** @return when the verifier first reached {@link VerificationState#VERIFIED}, empty if never */
    public Optional<Instant> firstVerified() {
        return Optional.ofNullable(firstVerified);
    }

    /**
     * Stale: still {@link VerificationState#VERIFIED}, but the latest attempt to renew the confirmation
     * failed because STS was unavailable. Readiness stays UP.
     *
     * @return {@code true} when the confirmation could not be renewed
     */
    public boolean stale() {
        return stale;
    }

    /** @return attempts finished since start */
    public long attempts() {
        return attempts;
    }

    /** @return STS {@code GetCallerIdentity} calls sent since start: the verifier's attempts' and the request guard's */
    public long stsCalls() {
        return stsCalls;
    }

    /** @return the instant at which liveness goes DOWN, present only while a restart-fixable wrong identity lasts */
    public Optional<Instant> livenessDeadline() {
        return Optional.ofNullable(livenessDeadline);
    }

    /** @return the request guard's mode ({@code role-probe.guard.mode}) */
    public GuardMode guardMode() {
        return guardMode;
    }

    /**
     * Returns the application's AWS SDK clients as the request guard saw them, wrong ones first (see
     * {@link io.github.roleprobe.guard.RequestGuard#clientDetails()}), as of this snapshot's publication: published with
     * every attempt (at least every {@code role-probe.refresh-interval}) and whenever a client's identity changes.
     *
     * @return an unmodifiable list, empty when no client was seen or the guard is off
     */
    public List<Map<String, Object>> clients() {
        return clients;
    }

    /**
     * Returns the snapshot as health details: state, reason, remedy, expected roles, caller ARN,
     * credential source, masked access key id, injection (and {@code injections}, IRSA first, when IRSA environment is
     * present next to EKS Pod Identity's), last check and confirmation times, stale flag,
     * attempts, STS calls, the request guard's mode ({@code guard}) and the application clients it saw
     * ({@code clients}, see {@link #clients()}). Absent values are left out. Built once with the snapshot, so probe requests
     * that show details allocate nothing here.
     *
     * @return an unmodifiable, insertion-ordered map of strings, numbers, booleans and lists
     */
    public Map<String, Object> details() {
        return details;
    }

    private Map<String, Object> buildDetails() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("state", state.name());
        if (wrongIdentityKind != null) {
            d.put("wrongIdentity", wrongIdentityKind.name());
        }
        d.put("reason", reason);
        d.put("remedy", remedy);
        d.put("expectedRoles", expectedRoles);
        putIfPresent(d, "callerArn", callerArn);
        putIfPresent(d, "credentialSource", credentialSource);
        putIfPresent(d, "accessKeyId", maskedAccessKeyId);
        d.put("injection", injection.name());
        if (irsaToo) {
            // Both sets of variables: in the order the SDK default chain asks them, so the first is the one it uses.
            d.put("injections", List.of(CredentialInjection.IRSA.name(), CredentialInjection.POD_IDENTITY.name()));
        }
        d.put("stateSince", stateSince.toString());
        putIfPresent(d, "lastCheck", lastCheck);
        putIfPresent(d, "lastConfirmed", lastConfirmed);
        d.put("stale", stale);
        d.put("attempts", attempts);
        d.put("stsCalls", stsCalls);
        putIfPresent(d, "livenessDeadline", livenessDeadline);
        d.put("guard", guardMode.configValue());
        if (!clients.isEmpty()) {
            d.put("clients", clients);
        }
        return Collections.unmodifiableMap(d);
    }

    private static void putIfPresent(Map<String, Object> d, String key, Object value) {
        if (value != null) {
            d.put(key, value.toString());
        }
    }

    /** @return a one-line summary without secrets, for logs */
    @Override
    public String toString() {
        return state + (wrongIdentityKind != null ? "/" + wrongIdentityKind : "") + (stale ? " (stale)" : "")
                + ": " + reason + (callerArn != null ? " [caller " + callerArn + "]" : "")
                + (credentialSource != null ? " [source " + credentialSource + "]" : "");
    }

    /** Builds a {@link VerificationSnapshot}. Not thread-safe. */
    public static final class Builder {
        private VerificationState state;
        private WrongIdentityKind wrongIdentityKind;
        private String reason;
        private String remedy;
        private List<String> expectedRoles = List.of();
        private String callerArn;
        private CredentialSource credentialSource;
        private String maskedAccessKeyId;
        private CredentialInjection injection = CredentialInjection.NONE;
        private boolean irsaToo;
        private boolean inKubernetes;
        private Instant stateSince;
        private Instant lastCheck;
        private Instant lastConfirmed;
        private Instant firstVerified;
        private boolean stale;
        private long attempts;
        private long stsCalls;
        private Instant livenessDeadline;
        private GuardMode guardMode = GuardMode.OBSERVE;
        private List<Map<String, Object>> clients = List.of();

        private Builder() {
        }

        private Builder(VerificationSnapshot s) {
            state = s.state;
            wrongIdentityKind = s.wrongIdentityKind;
            reason = s.reason;
            remedy = s.remedy;
            expectedRoles = s.expectedRoles;
            callerArn = s.callerArn;
            credentialSource = s.credentialSource;
            maskedAccessKeyId = s.maskedAccessKeyId;
            injection = s.injection;
            irsaToo = s.irsaToo;
            inKubernetes = s.inKubernetes;
            stateSince = s.stateSince;
            lastCheck = s.lastCheck;
            lastConfirmed = s.lastConfirmed;
            firstVerified = s.firstVerified;
            stale = s.stale;
            attempts = s.attempts;
            stsCalls = s.stsCalls;
            livenessDeadline = s.livenessDeadline;
            guardMode = s.guardMode;
            clients = s.clients;
        }

        /**
         * @param v the state; required
         * @return this builder
         */
        public Builder state(VerificationState v) { state = v; return this; }
        /**
         * @param v the wrong-identity kind; required with {@code WRONG_IDENTITY}, ignored otherwise
         * @return this builder
         */
        public Builder wrongIdentityKind(WrongIdentityKind v) { wrongIdentityKind = v; return this; }
        /**
         * @param v one-line reason; required
         * @return this builder
         */
        public Builder reason(String v) { reason = v; return this; }
        /**
         * @param v one-line remedy; required
         * @return this builder
         */
        public Builder remedy(String v) { remedy = v; return this; }
        /**
         * @param v expected role ARNs
         * @return this builder
         */
        public Builder expectedRoles(List<String> v) { expectedRoles = v; return this; }
        /**
         * @param v caller ARN or {@code null}
         * @return this builder
         */
        public Builder callerArn(String v) { callerArn = v; return this; }
        /**
         * @param v credential source or {@code null}
         * @return this builder
         */
        public Builder credentialSource(CredentialSource v) { credentialSource = v; return this; }
        /**
         * @param v an already masked access key id or {@code null}
         * @return this builder
         */
        public Builder maskedAccessKeyId(String v) { maskedAccessKeyId = v; return this; }
        /**
         * @param v injection found in the environment
         * @return this builder
         */
        public Builder injection(CredentialInjection v) { injection = v; return this; }

        /**
         * @param v whether IRSA environment is present too (shown only next to {@link CredentialInjection#POD_IDENTITY})
         * @return this builder
         */
        public Builder irsaAlsoInjected(boolean v) { irsaToo = v; return this; }
        /**
         * @param v whether running in Kubernetes
         * @return this builder
         */
        public Builder inKubernetes(boolean v) { inKubernetes = v; return this; }
        /**
         * @param v when the state began; required
         * @return this builder
         */
        public Builder stateSince(Instant v) { stateSince = v; return this; }
        /**
         * @param v when the last attempt finished
         * @return this builder
         */
        public Builder lastCheck(Instant v) { lastCheck = v; return this; }
        /**
         * @param v when STS last confirmed an expected role
         * @return this builder
         */
        public Builder lastConfirmed(Instant v) { lastConfirmed = v; return this; }
        /**
         * @param v when first verified
         * @return this builder
         */
        public Builder firstVerified(Instant v) { firstVerified = v; return this; }
        /**
         * @param v whether the confirmation could not be renewed
         * @return this builder
         */
        public Builder stale(boolean v) { stale = v; return this; }
        /**
         * @param v attempts finished
         * @return this builder
         */
        public Builder attempts(long v) { attempts = v; return this; }
        /**
         * @param v STS calls made
         * @return this builder
         */
        public Builder stsCalls(long v) { stsCalls = v; return this; }
        /**
         * @param v when liveness goes DOWN, or {@code null}
         * @return this builder
         */
        public Builder livenessDeadline(Instant v) { livenessDeadline = v; return this; }
        /**
         * @param v the request guard's mode; default {@link GuardMode#OBSERVE}
         * @return this builder
         */
        public Builder guardMode(GuardMode v) { guardMode = Objects.requireNonNull(v, "guardMode"); return this; }
        /**
         * @param v the clients the request guard saw, as {@link io.github.roleprobe.guard.RequestGuard#clientDetails()}
         * @return this builder
         */
        public Builder clients(List<Map<String, Object>> v) { clients = v == null ? List.of() : v; return this; }

        /**
         * @return the snapshot
         * @throws NullPointerException when state, reason, remedy or stateSince is missing, or the
         *     wrong-identity kind is missing in {@code WRONG_IDENTITY}
         */
        public VerificationSnapshot build() {
            return new VerificationSnapshot(this);
        }
    }
}
