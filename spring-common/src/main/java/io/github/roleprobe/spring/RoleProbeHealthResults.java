package io.github.roleprobe.spring;

import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.RoleProbeActivation;
import io.github.roleprobe.verify.VerificationSnapshot;
import java.util.Map;
import java.util.Objects;

/**
 * What the {@code roleProbe} health component reports, built once per snapshot and status in the health type of
 * the application's Spring Boot line. Each starter's {@code RoleProbeHealthIndicator} is a thin adapter to its Boot
 * line's health API ({@code org.springframework.boot.actuate.health} in 3.5, {@code
 * org.springframework.boot.health.contributor} in 4), which have the same shape in different packages: this class
 * holds the logic, the adapter only says how a result of its type is made.
 *
 * <p>The status, as a Spring Boot status code ({@link HealthStatus}):
 * <ul>
 *   <li>{@code UP} when verified (stale included), or when role-probe is inactive (details {@code state}
 *       {@code INACTIVE} and the reason);</li>
 *   <li>{@code DOWN} when liveness failed: a restart-fixable wrong identity lasted longer than
 *       {@code role-probe.liveness-grace} ({@link VerificationSnapshot#live(java.time.Clock)});</li>
 *   <li>{@code OUT_OF_SERVICE} otherwise: not (yet) verified, but a restart would not help.</li>
 * </ul>
 * Both map to HTTP 503 by default. Details are {@link VerificationSnapshot#details()} (state, reason, remedy, caller
 * ARN, credential source, masked access key id, times, attempts, the application's clients): never a secret.
 *
 * <p>Thread-safe without locks. {@link #get(boolean)} only reads the latest snapshot (and, for the liveness deadline,
 * the verifier's clock): it never blocks, never resolves credentials and never calls STS. It builds the results (with
 * and without details) once per snapshot and status and returns the same objects again while both are unchanged, so
 * a probe call allocates nothing: the snapshot changes only when the verifier publishes a new one, and the status of
 * the same snapshot only when its liveness deadline passes. Two threads that see a new snapshot at once may both build
 * equal results; the last one written is kept.
 *
 * @param <H> the Boot line's {@code Health} type
 */
public final class RoleProbeHealthResults<H> {

    /** The name of the component in health payloads: {@value}. */
    public static final String NAME = "roleProbe";

    /** The statuses the component reports; each name is the Spring Boot status code. */
    public enum HealthStatus {
        /** Verified, or inactive. */
        UP,
        /** Liveness failed. */
        DOWN,
        /** Not verified; a restart would not help. */
        OUT_OF_SERVICE
    }

    /**
     * Makes one health result of the Boot line's type.
     *
     * @param <H> the Boot line's {@code Health} type
     */
    @FunctionalInterface
    public interface Factory<H> {
        /**
         * @param status the status; its {@link HealthStatus#name() name} is the status code
         * @param details the details to include; empty for the variant without details
         * @return a new, immutable result
         */
        H create(HealthStatus status, Map<String, Object> details);
    }

    private final IdentityVerifier verifier;
    private final Factory<H> factory;
    private final H inactive;
    private final H inactiveWithoutDetails;
    private volatile Cached<H> cached;

    /**
     * @param verifier the verifier, or {@code null} when role-probe is inactive
     * @param activation the startup decision, for the inactive reason
     * @param factory how a result is made in the Boot line's health API
     */
    public RoleProbeHealthResults(IdentityVerifier verifier, RoleProbeActivation activation, Factory<H> factory) {
        this.verifier = verifier;
        this.factory = Objects.requireNonNull(factory, "factory");
        this.inactive = factory.create(HealthStatus.UP, activation.inactiveDetails());
        this.inactiveWithoutDetails = factory.create(HealthStatus.UP, Map.of());
    }

    /**
     * Returns the result with or without details; the same object per variant as long as the snapshot and the status
     * are unchanged.
     *
     * @param includeDetails whether the details ({@link VerificationSnapshot#details()}) are included
     * @return the result, never {@code null}
     */
    public H get(boolean includeDetails) {
        if (verifier == null) {
            return includeDetails ? inactive : inactiveWithoutDetails;
        }
        VerificationSnapshot snapshot = verifier.snapshot();
        HealthStatus status = status(snapshot);
        Cached<H> last = cached;
        if (last == null || last.snapshot != snapshot || last.status != status) {
            last = new Cached<>(snapshot, status, factory.create(status, snapshot.details()),
                    factory.create(status, Map.of()));
            cached = last;
        }
        return includeDetails ? last.withDetails : last.withoutDetails;
    }

    private HealthStatus status(VerificationSnapshot snapshot) {
        if (snapshot.ready()) {
            return HealthStatus.UP;
        }
        if (!snapshot.live(verifier.clock())) {
            return HealthStatus.DOWN;
        }
        return HealthStatus.OUT_OF_SERVICE;
    }

    /** The results built for one snapshot and status. Immutable. */
    private record Cached<H>(VerificationSnapshot snapshot, HealthStatus status, H withDetails, H withoutDetails) {
    }
}
