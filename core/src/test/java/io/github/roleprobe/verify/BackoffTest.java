package io.github.roleprobe.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void ceilingDoublesFromInitialUpToMax() {
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), () -> 1.0);

        assertThat(backoff.ceiling(0)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(400));
        assertThat(backoff.ceiling(4)).isEqualTo(Duration.ofMillis(3200));
        assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.ceiling(500)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void fullJitterDrawsBetweenZeroAndCeiling() {
        assertThat(new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), () -> 0.0).delay(3)).isZero();
        assertThat(new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), () -> 0.5).delay(3))
                .isEqualTo(Duration.ofMillis(800));
    }
}
