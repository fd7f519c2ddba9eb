package io.github.roleprobe.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Asks a probe again and again on its own thread, from {@link #start} until {@link #stop()}, and keeps every answer,
 * so that a test can assert what the probe answered the whole time, not only at the moments it looked. Bounded: it
 * stops by itself after {@link #LIMIT}. Shared with the starters' tests through core's test jar. Thread-safe.
 *
 * @param <T> the answer type
 */
public final class Poller<T> implements AutoCloseable {

    /** The longest a poller runs. */
    public static final Duration LIMIT = Duration.ofSeconds(60);

    private final Supplier<T> probe;
    private final List<T> answers = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean stopped;

    private Poller(String name, Supplier<T> probe) {
        this.probe = probe;
        this.thread = new Thread(this::run, "test-poller-" + name);
        this.thread.setDaemon(true);
    }

    /**
     * @param name for the thread's name
     * @param probe asked every 20 ms or so
     * @return the started poller
     */
    public static <T> Poller<T> start(String name, Supplier<T> probe) {
        Poller<T> poller = new Poller<>(name, probe);
        poller.thread.start();
        return poller;
    }

    private void run() {
        Instant end = Instant.now().plus(LIMIT);
        while (!stopped && Instant.now().isBefore(end)) {
            try {
                answers.add(probe.get());
            } catch (RuntimeException | AssertionError e) {
                failures.add(e);
            }
            try {
                Thread.sleep(20); // pacing, not synchronisation: the test waits for conditions, not for time
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Stops polling and waits for the last answer.
     *
     * @return every answer, in order
     * @throws AssertionError when a probe failed (no answer at all, for example a connection error)
     */
    public List<T> stop() {
        stopped = true;
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("a probe failed: " + failures.get(0), failures.get(0));
            failures.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
        return List.copyOf(answers);
    }

    /** @return the answers so far */
    public List<T> answers() {
        return List.copyOf(answers);
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
