package io.github.roleprobe.micronaut;

import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.RoleProbeActivation;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.annotation.Liveness;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Takes {@code /health/liveness} DOWN only for a wrong identity that a container restart can fix: one shown by
 * the application's own long-lived credential provider while EKS Pod Identity or IRSA environment is present,
 * lasting longer than {@code role-probe.liveness-grace} ({@link VerificationSnapshot#live(java.time.Clock)}). Missing injection,
 * missing credentials, STS outages and misconfiguration never fail liveness: a restart would not help.
 *
 * <p>Qualified {@link Liveness}, so Micronaut's {@code HealthEndpoint} lists it under {@code /health/liveness}
 * and leaves it out of {@code /health/readiness}. Details as for {@link RoleProbeReadinessIndicator}, shown only
 * as {@code endpoints.health.details-visible} allows.
 *
 * <p>Thread-safe. {@link #getResult()} reads the latest snapshot and the verifier's clock: no blocking, no
 * network. It returns the same result object (a cold single-value publisher) as long as the snapshot and its
 * UP/DOWN value are the same, so a probe call allocates nothing; a new one when the snapshot changes or its
 * liveness deadline passes.
 */
@Singleton
@Liveness
@Requires(property = RoleProbeConfiguration.ENABLED, notEquals = StringUtils.FALSE)
@Requires(beans = HealthEndpoint.class)
public class RoleProbeLivenessIndicator extends SnapshotHealthIndicator {

    /** The name of this indicator in health payloads: {@value}. */
    public static final String NAME = "roleProbeLiveness";

    /**
     * @param verifier the verifier; empty when role-probe is inactive
     * @param activation the startup decision, for the inactive reason
     */
    public RoleProbeLivenessIndicator(Optional<IdentityVerifier> verifier, RoleProbeActivation activation) {
        super(NAME, verifier, activation);
    }

    /** DOWN only when the liveness deadline of a restart-fixable wrong identity has passed, by the verifier's clock. */
    @Override
    boolean up(VerificationSnapshot snapshot, IdentityVerifier verifier) {
        return snapshot.live(verifier.clock());
    }
}
