package io.github.roleprobe.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class VerificationSnapshotLivenessTest {

    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    @Test
    void withoutAPendingDeadlineLivenessIsUpAndTheClockIsNeverRead() {
        CountingClock clock = new CountingClock(T0);
        VerificationSnapshot verified = snapshot(VerificationState.VERIFIED, null);

        assertThat(verified.live(clock)).isTrue();
        assertThat(clock.reads.get()).isZero();
    }

    @Test
    void withAPendingDeadlineLivenessFollowsTheClock() {
        CountingClock clock = new CountingClock(T0);
        VerificationSnapshot wrong = snapshot(VerificationState.WRONG_IDENTITY, T0.plus(Duration.ofSeconds(60)));

        assertThat(wrong.live(clock)).isTrue();
        clock.now = T0.plus(Duration.ofSeconds(60));
        assertThat(wrong.live(clock)).isFalse();
        assertThat(wrong.live(T0.plus(Duration.ofSeconds(59)))).isTrue();
        assertThat(clock.reads.get()).isEqualTo(2);
    }

    private static VerificationSnapshot snapshot(VerificationState state, Instant deadline) {
        return VerificationSnapshot.builder()
                .state(state)
                .wrongIdentityKind(state == VerificationState.WRONG_IDENTITY ? WrongIdentityKind.NODE_ROLE : null)
                .reason("test")
                .remedy("test")
                .stateSince(T0)
                .livenessDeadline(deadline)
                .build();
    }

    private static final class CountingClock extends Clock {
        private final AtomicInteger reads = new AtomicInteger();
        private volatile Instant now;

        CountingClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            reads.incrementAndGet();
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
