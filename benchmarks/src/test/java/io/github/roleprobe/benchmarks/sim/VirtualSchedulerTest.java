package io.github.roleprobe.benchmarks.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.verify.VerifierScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualSchedulerTest {

    private final VirtualClock clock = new VirtualClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final VirtualScheduler scheduler = new VirtualScheduler(clock);
    private final List<String> ran = new ArrayList<>();

    @Test
    void runsDueTasksInDueOrderThenScheduleOrderAtTheirDueTime() {
        VerifierScheduler a = scheduler.newView();
        VerifierScheduler b = scheduler.newView();
        a.schedule(() -> ran.add("a3@" + clock.nanos()), Duration.ofNanos(3));
        b.schedule(() -> ran.add("b1@" + clock.nanos()), Duration.ofNanos(1));
        a.schedule(() -> ran.add("a1@" + clock.nanos()), Duration.ofNanos(1));
        b.schedule(() -> ran.add("b9@" + clock.nanos()), Duration.ofNanos(9));

        assertThat(scheduler.runUntil(5)).isEqualTo(3);
        assertThat(ran).containsExactly("b1@1", "a1@1", "a3@3");
        assertThat(clock.nanos()).isEqualTo(5);
        assertThat(clock.instant()).isEqualTo(Instant.parse("2030-01-01T00:00:00.000000005Z"));
    }

    @Test
    void tasksScheduledByATaskRunInTheSameAdvanceWhenDue() {
        VerifierScheduler v = scheduler.newView();
        v.schedule(() -> {
            ran.add("first@" + clock.nanos());
            v.schedule(() -> ran.add("now@" + clock.nanos()), Duration.ZERO);
            v.schedule(() -> ran.add("later@" + clock.nanos()), Duration.ofSeconds(1));
        }, Duration.ofMillis(1));

        scheduler.runFor(Duration.ofMillis(500));
        assertThat(ran).containsExactly("first@1000000", "now@1000000");
        scheduler.runFor(Duration.ofSeconds(1));
        assertThat(ran).containsExactly("first@1000000", "now@1000000", "later@1001000000");
    }

    @Test
    void cancelAndShutdownAffectOnlyTheirOwnView() {
        VerifierScheduler a = scheduler.newView();
        VerifierScheduler b = scheduler.newView();
        a.schedule(() -> ran.add("a-cancelled"), Duration.ofNanos(1)).cancel();
        a.schedule(() -> ran.add("a-shut-down"), Duration.ofNanos(2));
        b.schedule(() -> ran.add("b"), Duration.ofNanos(3));

        assertThat(a.shutdown(Duration.ofSeconds(1))).isTrue();
        a.schedule(() -> ran.add("a-after-shutdown"), Duration.ZERO);
        scheduler.runUntil(10);
        assertThat(ran).containsExactly("b");
    }
}
