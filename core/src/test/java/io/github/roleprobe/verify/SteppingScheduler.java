package io.github.roleprobe.verify;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A {@link VerifierScheduler} that runs nothing by itself: the test runs the next task on its own thread with
 * {@link #runNext()} and reads the delays the verifier asked for. No time passes between attempts, so a test
 * can follow many backoff steps without sleeping. Thread-safe.
 */
final class SteppingScheduler implements VerifierScheduler {

    private final List<Duration> requested = new ArrayList<>();
    private final Deque<Entry> queue = new ArrayDeque<>();

    private static final class Entry {
        private final Runnable task;
        private volatile boolean cancelled;

        private Entry(Runnable task) {
            this.task = task;
        }
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, Duration delay) {
        Entry entry = new Entry(task);
        requested.add(delay);
        queue.add(entry);
        return () -> entry.cancelled = true;
    }

    /**
     * Runs the next task that was not cancelled, on the calling thread, ignoring its delay.
     *
     * @throws AssertionError when nothing is scheduled
     */
    void runNext() {
        Entry next;
        synchronized (this) {
            do {
                next = queue.poll();
            } while (next != null && next.cancelled);
        }
        if (next == null) {
            throw new AssertionError("nothing scheduled");
        }
        next.task.run();
    }

    /** @return every delay the verifier asked for so far, in order */
    synchronized List<Duration> requestedDelays() {
        return List.copyOf(requested);
    }

    @Override
    public synchronized boolean shutdown(Duration timeout) {
        queue.clear();
        return true;
    }
}
