package io.github.roleprobe.verify;

import java.time.Duration;

/**
 * Runs the verifier's attempts. The verifier never runs two attempts at once: it schedules the next one
 * only after the previous one finished, so an implementation may run tasks on any single thread.
 *
 * <p>The default, {@link #daemonThread()}, runs them on one daemon thread named
 * {@value IdentityVerifier#THREAD_NAME}. Simulations replace it with a virtual-time scheduler that runs
 * due tasks when its clock is advanced, so that hours of verifier behaviour take no wall-clock time.
 * Implementations must be thread-safe.
 */
public interface VerifierScheduler {

    /**
     * Runs {@code task} once after {@code delay}.
     *
     * @param task the task; it does not throw
     * @param delay zero or positive
     * @return a handle to cancel the task if it has not started
     */
    Cancellable schedule(Runnable task, Duration delay);

    /**
     * Stops running tasks: cancels pending ones and lets a running one finish for up to {@code timeout}; a task still
     * running then is interrupted. Idempotent.
     *
     * @param timeout how long a running task may take to finish before it is interrupted
     * @return {@code true} when no task is running any more
     */
    boolean shutdown(Duration timeout);

    /** A scheduled task that can be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        /** Cancels the task if it has not started; no effect otherwise. */
        void cancel();
    }

    /**
     * Returns a scheduler with one daemon thread named {@value IdentityVerifier#THREAD_NAME}, started
     * lazily with the first task.
     *
     * @return a new scheduler
     */
    static VerifierScheduler daemonThread() {
        return new DaemonThreadScheduler(IdentityVerifier.THREAD_NAME);
    }

    /**
     * Returns a scheduler with one daemon thread of the given name, started lazily with the first task, for a
     * component that works next to the verifier on a thread of its own (role-probe-heal's {@code role-probe-heal}).
     *
     * @param threadName the thread's name
     * @return a new scheduler
     */
    static VerifierScheduler daemonThread(String threadName) {
        return new DaemonThreadScheduler(threadName);
    }
}
