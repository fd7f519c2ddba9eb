package io.github.roleprobe.spring;

import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.RoleProbeActivation;
import io.github.roleprobe.verify.VerificationSnapshot;
import java.util.Map;
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
 *       {@code role-probe.liveness-grace} ({@link VerificationSnapshot#live(java.time.Instant)});</li>
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
 * <p>Thread-safe. {@link #health()} only reads the latest snapshot: it never blocks, never resolves credentials and
 * never calls STS.
 */
public class RoleProbeHealthIndicator implements HealthIndicator {

    /** The name of this component in health payloads: {@value}. */
    public static final String NAME = "roleProbe";

    private final IdentityVerifier verifier;
    private final Map<String, Object> inactiveDetails;

    /**
     * @param verifier the verifier, or {@code null} when role-probe is inactive
     * @param activation the startup decision, for the inactive reason
     */
    public RoleProbeHealthIndicator(IdentityVerifier verifier, RoleProbeActivation activation) {
        this.verifier = verifier;
        this.inactiveDetails = activation.inactiveDetails();
    }

    @Override
    public Health health() {
        if (verifier == null) {
            return Health.up().withDetails(inactiveDetails).build();
        }
        VerificationSnapshot snapshot = verifier.snapshot();
        Status status;
        if (snapshot.ready()) {
            status = Status.UP;
        } else if (!snapshot.live(verifier.clock().instant())) {
            status = Status.DOWN;
        } else {
            status = Status.OUT_OF_SERVICE;
        }
        return Health.status(status).withDetails(snapshot.details()).build();
    }
}
