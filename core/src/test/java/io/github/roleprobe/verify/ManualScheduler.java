package io.github.roleprobe.verify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a verifier's tasks only when told to, on the calling thread, for tests that need a verifier whose
 * background attempts never run by themselves. Shared with the starters' tests through core's test jar.
 * Thread-safe.
 */
public final class ManualScheduler implements VerifierScheduler {

    private record Task(Runnable runnable, Duration delay) {
    }

    private final List<Task> tasks = new ArrayList<>();

    @Override
    public synchronized Cancellable schedule(Runnable task, Duration delay) {
        Task scheduled = new Task(task, delay);
        tasks.add(scheduled);
        return () -> {
            synchronized (this) {
                tasks.remove(scheduled);
            }
        };
    }

    /** Runs the tasks scheduled without delay (an attempt the verifier asked for now), not the later ones. */
    public void runImmediateTasks() {
        List<Task> due;
        synchronized (this) {
            due = tasks.stream().filter(t -> t.delay().isZero()).toList();
            tasks.removeAll(due);
        }
        due.forEach(t -> t.runnable().run());
    }

    @Override
    public synchronized boolean shutdown(Duration timeout) {
        tasks.clear();
        return true;
    }
}
