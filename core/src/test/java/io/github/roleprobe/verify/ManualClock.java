package io.github.roleprobe.verify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that moves only when told to, for tests of liveness deadlines and ages. Shared with the starters'
 * tests through core's test jar. Thread-safe.
 */
public final class ManualClock extends Clock {

    private volatile Instant now;

    /** @param start the first instant this clock tells */
    public ManualClock(Instant start) {
        this.now = start;
    }

    /** @param duration how far to move the clock forward */
    public void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }
}
