package io.github.roleprobe.benchmarks.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still until it is advanced: virtual time for simulations, counted in nanoseconds
 * from an origin instant. Only {@link VirtualScheduler} moves it, and only forward.
 *
 * <p>Thread-safe for reading; advanced by the one thread that drives the simulation.
 */
public final class VirtualClock extends Clock {

    private final Instant origin;
    private volatile long nanos;

    /** @param origin the instant at virtual time zero */
    public VirtualClock(Instant origin) {
        this.origin = origin;
    }

    /** @return nanoseconds since the origin */
    public long nanos() {
        return nanos;
    }

    /** @return time since the origin */
    public Duration elapsed() {
        return Duration.ofNanos(nanos);
    }

    /**
     * Moves the clock forward.
     *
     * @param toNanos the new time in nanoseconds since the origin
     * @throws IllegalArgumentException when that is in the past
     */
    void advanceTo(long toNanos) {
        if (toNanos < nanos) {
            throw new IllegalArgumentException("virtual time cannot go back: " + toNanos + " < " + nanos);
        }
        nanos = toNanos;
    }

    @Override
    public Instant instant() {
        return origin.plusNanos(nanos);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a virtual clock has only UTC");
    }
}
