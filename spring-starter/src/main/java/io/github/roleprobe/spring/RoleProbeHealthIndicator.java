package io.github.roleprobe.spring;

import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.RoleProbeActivation;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code roleProbe} health component on Spring Boot 4's health API ({@code spring-boot-health}): the verifier's
 * latest snapshot as {@code UP} (verified or inactive), {@code DOWN} (liveness failed) or {@code OUT_OF_SERVICE}
 * (not verified), with its details as {@code management.endpoint.health.show-details} permits. What it reports and
 * how it caches is {@link RoleProbeHealthResults}, shared with the Boot 3.5 starter; this class only builds Boot 4's
 * {@link Health}.
 *
 * <p>The probes themselves ({@code /actuator/health/readiness}, {@code /actuator/health/liveness}) follow the
 * application availability state that {@link RoleProbeAvailability} drives; this component is part of
 * {@code /actuator/health}, can be read alone at {@code /actuator/health/roleProbe}, and can be added to any group.
 *
 * <p>Thread-safe without locks; {@link #health(boolean)} never blocks, never calls STS and, while the snapshot and
 * status are unchanged, returns the same object (no allocation per probe).
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
     * @param includeDetails whether the details are included (Spring Boot asks for the variant its
     *     {@code show-details} setting allows)
     * @return the health; never {@code null}
     */
    @Override
    public Health health(boolean includeDetails) {
        return results.get(includeDetails);
    }
}
