package io.github.roleprobe.verify;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter ("Exponential Backoff And Jitter", AWS Architecture Blog): the
 * n-th retry waits a uniformly random time in {@code [0, min(cap, initial × 2^n)]}. The cap is given per
 * call, so that one retry counter can serve several ceilings.
 *
 * <p>Immutable and thread-safe if the random source is.
 */
final class Backoff {

    private final long initialNanos;
    private final DoubleSupplier random;

    Backoff(Duration initial, DoubleSupplier random) {
        this.initialNanos = SaturatedNanos.of(initial);
        this.random = random;
    }

    /**
     * @param retry how many attempts in a row have failed before this wait, from 0
     * @param cap the largest ceiling, positive
     * @return the ceiling of the wait, {@code min(cap, initial × 2^retry)}
     */
    Duration ceiling(int retry, Duration cap) {
        long capNanos = SaturatedNanos.of(cap);
        long ceiling = initialNanos;
        for (int i = 0; i < retry && ceiling < capNanos; i++) {
            ceiling = ceiling > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : ceiling * 2;
        }
        return Duration.ofNanos(Math.min(ceiling, capNanos));
    }

    /**
     * @param retry how many attempts in a row have failed before this wait, from 0
     * @param cap the largest ceiling, positive
     * @return a wait drawn uniformly from {@code [0, ceiling(retry, cap)]}
     */
    Duration delay(int retry, Duration cap) {
        return Duration.ofNanos((long) (random.getAsDouble() * ceiling(retry, cap).toNanos()));
    }

    /**
     * The ceiling for failures that send requests to STS: {@link #ceiling(int, Duration)} with {@code max} for the
     * first {@code persistentAfter} retries; from then on {@code max × 2^(retry − persistentAfter + 1)}, capped at
     * {@code persistentMax}.
     *
     * @param retry failed attempts in a row before this wait, from 0
     * @param max the ceiling of transient failures ({@code backoff.max})
     * @param persistentAfter retries after which a failure is persistent
     * @param persistentMax the largest ceiling ({@code backoff.persistent-max})
     * @return the ceiling
     */
    Duration persistentCeiling(int retry, Duration max, int persistentAfter, Duration persistentMax) {
        if (retry < persistentAfter) {
            return ceiling(retry, max);
        }
        long ceiling = SaturatedNanos.of(max);
        long capNanos = SaturatedNanos.of(persistentMax);
        for (int i = persistentAfter; i <= retry && ceiling < capNanos; i++) {
            ceiling = ceiling > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : ceiling * 2;
        }
        return Duration.ofNanos(Math.min(ceiling, capNanos));
    }

    /**
     * A wait for failures that send requests to STS: full jitter ({@link #delay}) while transient, and from the
     * {@code persistentAfter}-th retry on drawn from the upper half of {@link #persistentCeiling}, so that the wait
     * never falls below half the ceiling: that floor is what bounds the STS requests of a pod that never succeeds.
     *
     * @param retry failed attempts in a row before this wait, from 0
     * @param max the ceiling of transient failures
     * @param persistentAfter retries after which a failure is persistent
     * @param persistentMax the largest ceiling
     * @return the wait
     */
    Duration stsDelay(int retry, Duration max, int persistentAfter, Duration persistentMax) {
        if (retry < persistentAfter) {
            return delay(retry, max);
        }
        long ceiling = persistentCeiling(retry, max, persistentAfter, persistentMax).toNanos();
        return Duration.ofNanos(ceiling / 2 + (long) (random.getAsDouble() * (ceiling - ceiling / 2)));
    }
}
