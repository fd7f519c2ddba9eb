package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.VerificationSnapshot;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Application contexts come and go (tests, devtools restarts): no verifier thread may stay behind. */
class LifecycleTest extends ContextRunnerSupport {

    private static final int CYCLES = 50;

    @Test
    void fiftyContextStartCloseCyclesLeaveNoVerifierThreadBehind() throws Exception {
        simulate(EksPodSimulator.builder().podIdentity(ROLE));
        var verifying = runner.withBean(PodEnvironment.class, () -> TestApplication.IN_KUBERNETES)
                .withPropertyValues("role-probe.role-arns=" + ROLE);
        // One cycle first, so that threads created once per JVM (SDK, JDK HTTP) are part of the baseline.
        verifying.run(context -> await(context.getBean(IdentityVerifier.class), VerificationSnapshot::ready));
        assertThat(awaitThreadCount(Integer.MAX_VALUE, 0)).isTrue();
        int baseline = threadCount();

        for (int i = 0; i < CYCLES; i++) {
            verifying.run(context -> {
                assertThat(SimulatedPodSpringBootTest.verifierThreadAlive()).isTrue();
                await(context.getBean(IdentityVerifier.class), VerificationSnapshot::ready);
            });
        }

        assertThat(awaitThreadCount(baseline, 0)).as("thread count back to %d with no %s thread; now: %s", baseline,
                IdentityVerifier.THREAD_NAME, Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList()).isTrue();
        assertThat(simulator.counters().stsGetCallerIdentityCalls()).isEqualTo(CYCLES + 1);
    }

    /** @return live threads of this JVM, the simulator's own server threads left out (its pools grow with load) */
    private static int threadCount() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> !t.getName().matches("(sts|pod-identity-agent|imds)-\\d+"))
                .count();
    }

    /** Waits, at most 10 s, until at most {@code max} threads and at most {@code verifiers} verifier threads live. */
    private static boolean awaitThreadCount(int max, int verifiers) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (true) {
            long verifierThreads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && IdentityVerifier.THREAD_NAME.equals(t.getName())).count();
            if (threadCount() <= max && verifierThreads <= verifiers) {
                return true;
            }
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            Thread.sleep(20);
        }
    }
}
