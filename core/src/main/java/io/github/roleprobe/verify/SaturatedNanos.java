package io.github.roleprobe.verify;

import java.time.Duration;

/**
 * A duration in nanoseconds that saturates instead of overflowing: {@link Duration#toNanos()} throws
 * {@link ArithmeticException} past about 292 years (106,751 days), which the settings allow (a {@code 200000d}
 * {@code role-probe.backoff.persistent-max} is valid, only absurd); the backoff and the scheduler take it as "never".
 * Stateless.
 */
final class SaturatedNanos {

    private SaturatedNanos() {
    }

    /**
     * @param d a duration, not negative
     * @return {@code d} in nanoseconds, or {@link Long#MAX_VALUE} when it does not fit in a {@code long}
     */
    static long of(Duration d) {
        return d.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : d.toNanos();
    }
}
