package io.github.roleprobe.verify;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter ("Exponential Backoff And Jitter", AWS Architecture Blog): the
 * n-th retry waits a uniformly random time in {@code [0, min(max, initial × 2^n)]}.
 *
 * <p>Immutable and thread-safe if the random source is.
 */
final class Backoff {

    private final long initialNanos;
    private final long maxNanos;
    private final DoubleSupplier random;

    Backoff(Duration initial, Duration max, DoubleSupplier random) {
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
    }

    /**
     * @param retry how many attempts in a row have failed before this wait, from 0
     * @return the ceiling of the wait, {@code min(max, initial × 2^retry)}
     */
    Duration ceiling(int retry) {
        long ceiling = initialNanos;
        for (int i = 0; i < retry && ceiling < maxNanos; i++) {
            ceiling = ceiling > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : ceiling * 2;
        }
        return Duration.ofNanos(Math.min(ceiling, maxNanos));
    }

    /**
     * @param retry how many attempts in a row have failed before this wait, from 0
     * @return a wait drawn uniformly from {@code [0, ceiling(retry)]}
     */
    Duration delay(int retry) {
        return Duration.ofNanos((long) (random.getAsDouble() * ceiling(retry).toNanos()));
    }
}
