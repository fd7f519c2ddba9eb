package io.github.roleprobe.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Duration FIVE_SECONDS = Duration.ofSeconds(5);

    @Test
    void ceilingDoublesFromInitialUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(200), () -> 1.0);

        assertThat(backoff.ceiling(0, FIVE_SECONDS)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.ceiling(1, FIVE_SECONDS)).isEqualTo(Duration.ofMillis(400));
        assertThat(backoff.ceiling(4, FIVE_SECONDS)).isEqualTo(Duration.ofMillis(3200));
        assertThat(backoff.ceiling(5, FIVE_SECONDS)).isEqualTo(FIVE_SECONDS);
        assertThat(backoff.ceiling(500, FIVE_SECONDS)).isEqualTo(FIVE_SECONDS);
    }

    @Test
    void oneRetryCounterServesDifferentCaps() {
        Backoff backoff = new Backoff(Duration.ofMillis(200), () -> 1.0);

        assertThat(backoff.ceiling(3, Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(1000));
        assertThat(backoff.ceiling(3, FIVE_SECONDS)).isEqualTo(Duration.ofMillis(1600));
        assertThat(backoff.ceiling(0, Duration.ofMillis(150))).isEqualTo(Duration.ofMillis(150));
    }

    @Test
    void fullJitterDrawsBetweenZeroAndCeiling() {
        assertThat(new Backoff(Duration.ofMillis(200), () -> 0.0).delay(3, FIVE_SECONDS)).isZero();
        assertThat(new Backoff(Duration.ofMillis(200), () -> 0.5).delay(3, FIVE_SECONDS))
                .isEqualTo(Duration.ofMillis(800));
    }

    /** Valid settings of more than about 292 years (Duration.toNanos overflows) mean "never", not an exception. */
    @Test
    void durationsBeyondALongOfNanosecondsSaturateInsteadOfOverflowing() {
        Duration huge = Duration.ofDays(200_000);
        Duration longest = Duration.ofNanos(Long.MAX_VALUE);
        Backoff backoff = new Backoff(huge, () -> 1.0);

        assertThat(backoff.ceiling(0, huge)).isEqualTo(longest);
        assertThat(new Backoff(Duration.ofMillis(200), () -> 1.0).ceiling(500, huge)).isEqualTo(longest);
        // backoff.max 10ms, persistent-max 200000d: the 13th failure in a row and later (the verifier logged
        // "attempt failed unexpectedly: ArithmeticException: long overflow" and never tried again)
        Backoff small = new Backoff(Duration.ofMillis(1), () -> 1.0);
        assertThat(small.persistentCeiling(12, Duration.ofMillis(10), 12, huge)).isEqualTo(Duration.ofMillis(20));
        assertThat(small.persistentCeiling(200, Duration.ofMillis(10), 12, huge)).isEqualTo(longest);
        assertThat(small.stsDelay(200, Duration.ofMillis(10), 12, huge)).isEqualTo(longest);
        assertThat(small.stsDelay(200, huge, 12, huge)).isEqualTo(longest);
    }
}
