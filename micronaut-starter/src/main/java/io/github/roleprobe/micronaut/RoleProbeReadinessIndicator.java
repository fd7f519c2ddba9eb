package io.github.roleprobe.micronaut;

import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.RoleProbeActivation;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Holds {@code /health/readiness} DOWN until STS confirmed that the application's credentials belong to an
 * expected role ({@link VerificationSnapshot#ready()}).
 *
 * <p>Micronaut's {@code HealthEndpoint} puts every {@link HealthIndicator} that is not qualified
 * {@code @Liveness} into the readiness group (and every indicator into {@code /health}); the {@link Readiness}
 * qualifier here documents the intent. Details ({@link VerificationSnapshot#details()}: state, reason, remedy,
 * caller ARN, credential source, masked access key id, times, attempts) are shown only as
 * {@code endpoints.health.details-visible} allows; they never hold a secret.
 *
 * <p>When role-probe is inactive (outside Kubernetes with no expected role) this indicator is UP with a
 * {@code state} of {@code INACTIVE} and the reason.
 *
 * <p>Thread-safe. {@link #getResult()} only reads the verifier's latest snapshot: it never blocks, never
 * resolves credentials and never calls STS, so any probe rate is free. It returns the same result object (a cold
 * single-value publisher) as long as the snapshot is the same, so a probe call allocates nothing.
 */
@Singleton
@Readiness
@Requires(property = RoleProbeConfiguration.ENABLED, notEquals = StringUtils.FALSE)
@Requires(beans = HealthEndpoint.class)
public class RoleProbeReadinessIndicator extends SnapshotHealthIndicator {

    /** The name of this indicator in health payloads: {@value}. */
    public static final String NAME = "roleProbe";

    /**
     * @param verifier the verifier; empty when role-probe is inactive
     * @param activation the startup decision, for the inactive reason
     */
    public RoleProbeReadinessIndicator(Optional<IdentityVerifier> verifier, RoleProbeActivation activation) {
        super(NAME, verifier, activation);
    }

    /** UP when verified (stale included), else DOWN. */
    @Override
    boolean up(VerificationSnapshot snapshot, IdentityVerifier verifier) {
        return snapshot.ready();
    }
}
