package io.github.roleprobe.micronaut;

import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.RoleProbeActivation;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import java.util.Map;
import java.util.Optional;
import org.reactivestreams.Publisher;

/**
 * A health indicator answered from the verifier's latest snapshot only: no blocking, no credential
 * resolution, no STS call. UP with {@code state: INACTIVE} and the reason when role-probe is inactive.
 * Thread-safe.
 */
abstract class SnapshotHealthIndicator implements HealthIndicator {

    private final String name;
    private final IdentityVerifier verifier;
    private final Map<String, Object> inactiveDetails;

    SnapshotHealthIndicator(String name, Optional<IdentityVerifier> verifier, RoleProbeActivation activation) {
        this.name = name;
        this.verifier = verifier.orElse(null);
        this.inactiveDetails = activation.inactiveDetails();
    }

    /**
     * @param snapshot the latest snapshot
     * @param verifier its verifier, for its clock
     * @return whether this probe is UP
     */
    abstract boolean up(VerificationSnapshot snapshot, IdentityVerifier verifier);

    @Override
    public final Publisher<HealthResult> getResult() {
        if (verifier == null) {
            return Publishers.just(HealthResult.builder(name, HealthStatus.UP).details(inactiveDetails).build());
        }
        VerificationSnapshot snapshot = verifier.snapshot();
        return Publishers.just(HealthResult.builder(name, up(snapshot, verifier) ? HealthStatus.UP : HealthStatus.DOWN)
                .details(snapshot.details())
                .build());
    }
}
