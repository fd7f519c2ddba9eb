package io.github.roleprobe.verify;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** {@link VerifierScheduler} on one daemon thread. Thread-safe. */
final class DaemonThreadScheduler implements VerifierScheduler {

    private static final Duration INTERRUPTED_WAIT = Duration.ofSeconds(1);

    private final ScheduledThreadPoolExecutor executor;
    /** The threads the executor made: joined on shutdown, so that none is alive once it returns {@code true}. */
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    DaemonThreadScheduler(String threadName) {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            threads.add(t);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        ScheduledFuture<?> future = executor.schedule(task, SaturatedNanos.of(delay), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public boolean shutdown(Duration timeout) {
        // Pending tasks are dropped (the delayed-task policy above); a running attempt finishes what it sent, so that
        // an STS request it counted is one STS received, and is interrupted only when it outlasts the timeout.
        executor.shutdown();
        try {
            if (executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return joinThreads();
            }
            executor.shutdownNow();
            return executor.awaitTermination(INTERRUPTED_WAIT.toNanos(), TimeUnit.NANOSECONDS) && joinThreads();
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A terminated executor's workers have finished their tasks but may still be leaving {@code run()}. */
    private boolean joinThreads() throws InterruptedException {
        for (Thread t : threads) {
            t.join(INTERRUPTED_WAIT.toMillis());
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }
}
