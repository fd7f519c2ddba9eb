package io.github.roleprobe.spring;

import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.RoleProbeActivation;
import io.github.roleprobe.verify.VerificationSnapshot;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Reports the verifier's latest snapshot as the {@code roleProbe} health component:
 *
 * <ul>
 *   <li>{@link Status#UP} when verified (stale included), or when role-probe is inactive (details {@code state}
 *       {@code INACTIVE} and the reason);</li>
 *   <li>{@link Status#DOWN} when liveness failed: a restart-fixable wrong identity lasted longer than
 *       {@code role-probe.liveness-grace} ({@link VerificationSnapshot#live(java.time.Clock)});</li>
 *   <li>{@link Status#OUT_OF_SERVICE} otherwise: not (yet) verified, but a restart would not help.</li>
 * </ul>
 *
 * <p>Both map to HTTP 503 by default. Details ({@link VerificationSnapshot#details()}: state, reason, remedy, caller
 * ARN, credential source, masked access key id, times, attempts) appear only as
 * {@code management.endpoint.health.show-details} (or a group's {@code show-details}) permits; they never hold a
 * secret. The probes themselves ({@code /actuator/health/readiness}, {@code /actuator/health/liveness}) follow the
 * application availability state that {@link RoleProbeAvailability} drives; this component is part of
 * {@code /actuator/health}, can be read alone at {@code /actuator/health/roleProbe}, and can be added to any group.
 *
 * <p>Thread-safe without locks. {@link #health(boolean)} only reads the latest snapshot (and, for the liveness deadline,
 * the verifier's clock): it never blocks, never resolves credentials and never calls STS. It builds the {@link Health}
 * (with and without details) once per snapshot and status and returns the same object again while both are
 * unchanged, so a probe call allocates nothing: the snapshot changes only when an attempt publishes a new one, and the
 * status of the same snapshot only when its liveness deadline passes. Two threads that see a new snapshot at once may
 * both build equal results; the last one written is kept.
 */
public class RoleProbeHealthIndicator implements HealthIndicator {

    /** The name of this component in health payloads: {@value}. */
    public static final String NAME = "roleProbe";

    private final IdentityVerifier verifier;
    private final Health inactive;
    private final Health inactiveWithoutDetails;
    private volatile Cached cached;

    /**
     * @param verifier the verifier, or {@code null} when role-probe is inactive
     * @param activation the startup decision, for the inactive reason
     */
    public RoleProbeHealthIndicator(IdentityVerifier verifier, RoleProbeActivation activation) {
        this.verifier = verifier;
        this.inactive = Health.up().withDetails(activation.inactiveDetails()).build();
        this.inactiveWithoutDetails = Health.up().build();
    }

    /**
     * Returns the health with details; the same object as long as the snapshot and the status are unchanged.
     *
     * @return the health, never {@code null}
     */
    @Override
    public Health health() {
        return health(true);
    }

    /**
     * Returns the health with or without details (Spring Boot asks for the variant its {@code show-details} setting
     * allows); the same object per variant as long as the snapshot and the status are unchanged.
     *
     * @param includeDetails whether the details ({@link VerificationSnapshot#details()}) are included
     * @return the health, never {@code null}
     */
    @Override
    public Health health(boolean includeDetails) {
        if (verifier == null) {
            return includeDetails ? inactive : inactiveWithoutDetails;
        }
        VerificationSnapshot snapshot = verifier.snapshot();
        Status status = status(snapshot);
        Cached last = cached;
        if (last == null || last.snapshot != snapshot || !last.status.equals(status)) {
            last = new Cached(snapshot, status, Health.status(status).withDetails(snapshot.details()).build(),
                    Health.status(status).build());
            cached = last;
        }
        return includeDetails ? last.withDetails : last.withoutDetails;
    }

    private Status status(VerificationSnapshot snapshot) {
        if (snapshot.ready()) {
            return Status.UP;
        }
        if (!snapshot.live(verifier.clock())) {
            return Status.DOWN;
        }
        return Status.OUT_OF_SERVICE;
    }

    /** The results built for one snapshot and status. Immutable. */
    private record Cached(VerificationSnapshot snapshot, Status status, Health withDetails, Health withoutDetails) {
    }
}
