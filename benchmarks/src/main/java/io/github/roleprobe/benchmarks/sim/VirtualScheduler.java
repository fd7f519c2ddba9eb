package io.github.roleprobe.benchmarks.sim;

import io.github.roleprobe.verify.VerifierScheduler;
import java.time.Duration;
import java.util.PriorityQueue;

/**
 * Runs the tasks of any number of verifiers on one {@link VirtualClock}: nothing runs until
 * {@link #runUntil(long)} is called, which then runs every due task in order of due time (ties in the
 * order they were scheduled), moving the clock to each task's due time before running it. Hours of
 * verifier behaviour take as long as the work done in them, with no sleeping.
 *
 * <p>Each verifier gets its own {@link #newView() view}, so that one verifier's
 * {@link VerifierScheduler#shutdown(Duration)} (called by {@code IdentityVerifier.close()}) cancels only its
 * own tasks. Tasks run on the thread that calls {@link #runUntil(long)}; scheduling is thread-safe.
 */
public final class VirtualScheduler {

    private final VirtualClock clock;
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long sequence;
    private long tasksRun;

    /** @param clock the clock this scheduler advances */
    public VirtualScheduler(VirtualClock clock) {
        this.clock = clock;
    }

    /** @return the clock */
    public VirtualClock clock() {
        return clock;
    }

    /** @return a scheduler for one verifier, sharing this queue and clock */
    public VerifierScheduler newView() {
        return new View();
    }

    /**
     * Runs every task due at or before {@code untilNanos}, tasks they schedule included, then sets the
     * clock to {@code untilNanos}.
     *
     * @param untilNanos virtual time to run to, nanoseconds since the origin
     * @return the number of tasks run
     */
    public long runUntil(long untilNanos) {
        long ran = 0;
        while (true) {
            Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due > untilNanos) {
                    break;
                }
                queue.poll();
            }
            if (next.cancelled) {
                continue;
            }
            clock.advanceTo(Math.max(clock.nanos(), next.due));
            next.view.running = true;
            try {
                next.task.run();
            } finally {
                next.view.running = false;
            }
            ran++;
        }
        clock.advanceTo(Math.max(clock.nanos(), untilNanos));
        synchronized (this) {
            tasksRun += ran;
        }
        return ran;
    }

    /**
     * Runs the tasks due within {@code duration} from now.
     *
     * @param duration how far to advance the clock
     * @return the number of tasks run
     */
    public long runFor(Duration duration) {
        return runUntil(clock.nanos() + duration.toNanos());
    }

    /** @return tasks waiting, cancelled ones not yet dropped included */
    public synchronized int queued() {
        return queue.size();
    }

    /** @return tasks run since creation */
    public synchronized long tasksRun() {
        return tasksRun;
    }

    private synchronized Task add(View view, Runnable task, Duration delay) {
        long delayNanos = Math.max(0, delay.toNanos());
        Task t = new Task(clock.nanos() + delayNanos, sequence++, view, task);
        queue.add(t);
        return t;
    }

    private static final class Task implements Comparable<Task> {
        final long due;
        final long seq;
        final View view;
        final Runnable task;
        volatile boolean cancelled;

        Task(long due, long seq, View view, Runnable task) {
            this.due = due;
            this.seq = seq;
            this.view = view;
            this.task = task;
        }

        @Override
        public int compareTo(Task o) {
            int byDue = Long.compare(due, o.due);
            return byDue != 0 ? byDue : Long.compare(seq, o.seq);
        }
    }

    /** One verifier's handle: shutting it down cancels only the tasks it scheduled. */
    private final class View implements VerifierScheduler {
        private final java.util.List<Task> mine = new java.util.ArrayList<>();
        private volatile boolean shutDown;
        volatile boolean running;

        @Override
        public Cancellable schedule(Runnable task, Duration delay) {
            if (shutDown) {
                return () -> { };
            }
            Task t = add(this, task, delay);
            synchronized (mine) {
                mine.removeIf(m -> m.cancelled || m.due < clock.nanos());
                mine.add(t);
            }
            return () -> t.cancelled = true;
        }

        @Override
        public boolean shutdown(Duration timeout) {
            shutDown = true;
            synchronized (mine) {
                mine.forEach(t -> t.cancelled = true);
                mine.clear();
            }
            return !running;
        }
    }
}
