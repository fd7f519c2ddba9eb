package io.github.roleprobe.kubernetes.sim;

import java.util.ArrayList;
import java.util.List;

/** What happened when, in milliseconds since the timeline's zero (the simulated sync start). Thread-safe. */
public final class Timeline {

    /**
     * @param atMillis milliseconds since zero
     * @param who      the pod, Job or controller
     * @param what     the event
     */
    public record Event(long atMillis, String who, String what) {
        @Override
        public String toString() {
            return String.format("%8.3fs  %-22s %s", atMillis / 1000.0, who, what);
        }
    }

    private final long zeroNanos = System.nanoTime();
    private final long zeroEpochMillis = System.currentTimeMillis();
    private final List<Event> events = new ArrayList<>();

    /** @return milliseconds since zero */
    public long now() {
        return (System.nanoTime() - zeroNanos) / 1_000_000;
    }

    /**
     * @param nanos a {@link System#nanoTime()} value
     * @return milliseconds since zero
     */
    public long millis(long nanos) {
        return (nanos - zeroNanos) / 1_000_000;
    }

    /**
     * @param instant a wall-clock instant (e.g. a time the app reported)
     * @return milliseconds since zero
     */
    public long millis(java.time.Instant instant) {
        return instant.toEpochMilli() - zeroEpochMillis;
    }

    /**
     * @param who  the pod, Job or controller
     * @param what the event
     * @return the event's time, milliseconds since zero
     */
    public long record(String who, String what) {
        long at = now();
        synchronized (events) {
            events.add(new Event(at, who, what));
        }
        return at;
    }

    /** @return a copy of the events so far */
    public List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Event e : events()) {
            b.append(e).append('\n');
        }
        return b.toString();
    }
}
