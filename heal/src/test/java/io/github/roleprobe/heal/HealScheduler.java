package io.github.roleprobe.heal;

import io.github.roleprobe.verify.ManualClock;
import io.github.roleprobe.verify.VerifierScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Runs the self-eviction's tasks only when the test says so, on the test's thread: {@link #runNext()} moves the
 * shared {@link ManualClock} to the task's due time and runs it. No wall-clock time passes. Thread-safe.
 */
final class HealScheduler implements VerifierScheduler {

    private record Task(Runnable runnable, Instant due, Duration delay) {
    }

    private final ManualClock clock;
    private final List<Task> tasks = new ArrayList<>();
    private final List<Duration> requested = new ArrayList<>();

    HealScheduler(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, Duration delay) {
        Task t = new Task(task, clock.instant().plus(delay), delay);
        tasks.add(t);
        requested.add(delay);
        return () -> {
            synchronized (this) {
                tasks.remove(t);
            }
        };
    }

    /** @return the delay of the one pending task, empty when none is pending */
    synchronized Optional<Duration> pendingDelay() {
        if (tasks.size() > 1) {
            throw new AssertionError("more than one task pending: " + tasks);
        }
        return tasks.stream().findFirst().map(Task::delay);
    }

    /** Moves the clock to the earliest task's due time and runs it. */
    void runNext() {
        Task next;
        synchronized (this) {
            next = tasks.stream().min(Comparator.comparing(Task::due)).orElseThrow(() -> new AssertionError("nothing scheduled"));
            tasks.remove(next);
        }
        Duration ahead = Duration.between(clock.instant(), next.due());
        if (!ahead.isNegative()) {
            clock.advance(ahead);
        }
        next.runnable().run();
    }

    /** @return every delay asked for so far, in order */
    synchronized List<Duration> requestedDelays() {
        return List.copyOf(requested);
    }

    @Override
    public synchronized boolean shutdown(Duration timeout) {
        tasks.clear();
        return true;
    }
}
