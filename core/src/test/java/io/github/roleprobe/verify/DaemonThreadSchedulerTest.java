package io.github.roleprobe.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class DaemonThreadSchedulerTest {

    /** A delay past a long of nanoseconds (role-probe.max-age=200000d with refresh-interval=200000d) means "never". */
    @Test
    void aDelayBeyondALongOfNanosecondsIsScheduledAsNeverInsteadOfOverflowing() {
        DaemonThreadScheduler scheduler = new DaemonThreadScheduler("role-probe-test");
        AtomicBoolean ran = new AtomicBoolean();
        try {
            VerifierScheduler.Cancellable task = scheduler.schedule(() -> ran.set(true), Duration.ofDays(200_000));
            task.cancel();
            assertThat(ran).isFalse();
        } finally {
            assertThat(scheduler.shutdown(Duration.ofSeconds(5))).isTrue();
        }
    }
}
