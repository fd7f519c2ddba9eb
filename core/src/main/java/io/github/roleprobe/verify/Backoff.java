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
        this.initialNanos = initial.toNanos();
        this.random = random;
    }

    /**
     * @param retry how many attempts in a row have failed before this wait, from 0
     * @param cap the largest ceiling, positive
     * @return the ceiling of the wait, {@code min(cap, initial × 2^retry)}
     */
    Duration ceiling(int retry, Duration cap) {
        long capNanos = cap.toNanos();
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
}
