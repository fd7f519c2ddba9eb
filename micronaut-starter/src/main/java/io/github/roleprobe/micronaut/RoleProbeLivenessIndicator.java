package io.github.roleprobe.micronaut;

import io.github.roleprobe.verify.RoleProbeActivation;

import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.core.util.StringUtils;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Liveness;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import org.reactivestreams.Publisher;

/**
 * Takes {@code /health/liveness} DOWN only for a wrong identity that a container restart can fix: the node role
 * (or another identity) while EKS Pod Identity or IRSA environment is present, lasting longer than
 * {@code role-probe.liveness-grace} ({@link VerificationSnapshot#live(java.time.Instant)}). Missing injection,
 * missing credentials, STS outages and misconfiguration never fail liveness: a restart would not help.
 *
 * <p>Qualified {@link Liveness}, so Micronaut's {@code HealthEndpoint} lists it under {@code /health/liveness}
 * and leaves it out of {@code /health/readiness}. Details as for {@link RoleProbeReadinessIndicator}, shown only
 * as {@code endpoints.health.details-visible} allows.
 *
 * <p>Thread-safe. {@link #getResult()} reads the latest snapshot and the verifier's clock: no blocking, no
 * network.
 */
@Singleton
@Liveness
@Requires(property = RoleProbeConfiguration.ENABLED, notEquals = StringUtils.FALSE)
@Requires(beans = HealthEndpoint.class)
public class RoleProbeLivenessIndicator implements HealthIndicator {

    /** The name of this indicator in health payloads: {@value}. */
    public static final String NAME = "roleProbeLiveness";

    private final IdentityVerifier verifier;
    private final Map<String, Object> inactiveDetails;

    /**
     * @param verifier the verifier; empty when role-probe is inactive
     * @param activation the startup decision, for the inactive reason
     */
    public RoleProbeLivenessIndicator(Optional<IdentityVerifier> verifier, RoleProbeActivation activation) {
        this.verifier = verifier.orElse(null);
        this.inactiveDetails = activation.inactiveDetails();
    }

    /**
     * Reports liveness from the latest snapshot at the verifier clock's current instant.
     *
     * @return a publisher of exactly one result, completing at once: DOWN only when the liveness deadline of a
     *     restart-fixable wrong identity has passed, else UP (also when role-probe is inactive)
     */
    @Override
    public Publisher<HealthResult> getResult() {
        if (verifier == null) {
            return Publishers.just(HealthResult.builder(NAME, HealthStatus.UP)
                    .details(inactiveDetails).build());
        }
        VerificationSnapshot snapshot = verifier.snapshot();
        boolean live = snapshot.live(verifier.clock().instant());
        return Publishers.just(HealthResult.builder(NAME, live ? HealthStatus.UP : HealthStatus.DOWN)
                .details(snapshot.details())
                .build());
    }
}
