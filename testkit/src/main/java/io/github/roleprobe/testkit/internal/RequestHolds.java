package io.github.roleprobe.testkit.internal;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds requests open (black hole, timeout, latency) for a bounded time, and releases all of them
 * at once on {@link #releaseAll()}. Thread-safe.
 */
public final class RequestHolds {

    private final CountDownLatch released = new CountDownLatch(1);

    /**
     * Blocks the calling (server) thread.
     *
     * @param duration the longest time to block
     * @return true if the full duration passed, false if released early or interrupted
     */
    public boolean hold(Duration duration) {
        if (duration.isZero() || duration.isNegative()) {
            return released.getCount() > 0;
        }
        try {
            return !released.await(duration.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** @return true once {@link #releaseAll()} was called */
    public boolean isReleased() {
        return released.getCount() == 0;
    }

    /** Ends every hold now and makes later holds return at once. */
    public void releaseAll() {
        released.countDown();
    }
}
