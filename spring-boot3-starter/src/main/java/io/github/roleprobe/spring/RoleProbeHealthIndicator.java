package io.github.roleprobe.spring;

import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.RoleProbeActivation;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The {@code roleProbe} health component on Spring Boot 3.5's actuator health API
 * ({@code org.springframework.boot.actuate.health}): the verifier's latest snapshot as {@code UP} (verified or
 * inactive), {@code DOWN} (liveness failed) or {@code OUT_OF_SERVICE} (not verified), with its details as
 * {@code management.endpoint.health.show-details} permits. What it reports and how it caches is
 * {@link RoleProbeHealthResults}, shared with the Boot 4 starter; this class only builds Boot 3's {@link Health}.
 *
 * <p>Boot 3.5's health endpoint asks {@link #getHealth(boolean)}, whose default would call {@link #health()} and
 * strip the details into a new object on each call; here both variants are built once per snapshot and status.
 * {@link #health(boolean)} is the same method under Boot 4's name, so code and tests read it alike on both lines.
 *
 * <p>The probes themselves ({@code /actuator/health/readiness}, {@code /actuator/health/liveness}) follow the
 * application availability state that {@link RoleProbeAvailability} drives; this component is part of
 * {@code /actuator/health}, can be read alone at {@code /actuator/health/roleProbe}, and can be added to any group.
 *
 * <p>Thread-safe without locks; no method blocks or calls STS, and while the snapshot and status are unchanged each
 * returns the same object (no allocation per probe).
 */
public class RoleProbeHealthIndicator implements HealthIndicator {

    /** The name of this component in health payloads: {@value}. */
    public static final String NAME = RoleProbeHealthResults.NAME;

    private final RoleProbeHealthResults<Health> results;

    /**
     * @param verifier the verifier, or {@code null} when role-probe is inactive
     * @param activation the startup decision, for the inactive reason
     */
    public RoleProbeHealthIndicator(IdentityVerifier verifier, RoleProbeActivation activation) {
        this.results = new RoleProbeHealthResults<>(verifier, activation,
                (status, details) -> Health.status(status.name()).withDetails(details).build());
    }

    /** @return the health with details; never {@code null} */
    @Override
    public Health health() {
        return results.get(true);
    }

    /**
     * What Boot 3.5's health endpoint calls.
     *
     * @param includeDetails whether the details are included (the variant the {@code show-details} setting allows)
     * @return the health; never {@code null}
     */
    @Override
    public Health getHealth(boolean includeDetails) {
        return results.get(includeDetails);
    }

    /**
     * The same as {@link #getHealth(boolean)}, under the name Boot 4's {@code HealthIndicator} uses.
     *
     * @param includeDetails whether the details are included
     * @return the health; never {@code null}
     */
    public Health health(boolean includeDetails) {
        return results.get(includeDetails);
    }
}
