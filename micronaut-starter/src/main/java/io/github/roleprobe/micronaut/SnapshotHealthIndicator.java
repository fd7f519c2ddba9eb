package io.github.roleprobe.micronaut;

import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.RoleProbeActivation;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import java.util.Optional;
import org.reactivestreams.Publisher;

/**
 * A health indicator answered from the verifier's latest snapshot only: no blocking, no credential
 * resolution, no STS call. UP with {@code state: INACTIVE} and the reason when role-probe is inactive.
 *
 * <p>The result is built once per snapshot and UP/DOWN value and then returned again as long as both stay the
 * same, so that a probe call allocates nothing: the snapshot changes only when an attempt publishes a new one, and
 * the UP/DOWN value of the same snapshot only when the liveness deadline passes. The result is a cold single-value
 * publisher that any number of subscribers may subscribe to, concurrently too.
 *
 * <p>Thread-safe without locks: the cached result is an immutable holder in a volatile field. Two threads that see
 * a new snapshot at the same time may both build a result for it, equal ones; the last one written is kept.
 */
abstract class SnapshotHealthIndicator implements HealthIndicator {

    private final String name;
    private final IdentityVerifier verifier;
    private final Publisher<HealthResult> inactiveResult;
    private volatile Cached cached;

    SnapshotHealthIndicator(String name, Optional<IdentityVerifier> verifier, RoleProbeActivation activation) {
        this.name = name;
        this.verifier = verifier.orElse(null);
        this.inactiveResult = Publishers.just(HealthResult.builder(name, HealthStatus.UP)
                .details(activation.inactiveDetails())
                .build());
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
            return inactiveResult;
        }
        VerificationSnapshot snapshot = verifier.snapshot();
        boolean up = up(snapshot, verifier);
        Cached last = cached;
        if (last != null && last.snapshot == snapshot && last.up == up) {
            return last.result;
        }
        HealthStatus status = up ? HealthStatus.UP : HealthStatus.DOWN;
        Publisher<HealthResult> result = Publishers.just(HealthResult.builder(name, status)
                .details(snapshot.details())
                .build());
        cached = new Cached(snapshot, up, result);
        return result;
    }

    /** The result built for one snapshot and UP/DOWN value. Immutable. */
    private record Cached(VerificationSnapshot snapshot, boolean up, Publisher<HealthResult> result) {
    }
}
