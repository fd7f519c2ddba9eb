package io.github.roleprobe.spring;

import io.github.roleprobe.testkit.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.VerificationSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Base of the {@code ApplicationContextRunner} tests: the starter's auto-configurations on top of Spring Boot's
 * application availability, an optional simulated EKS pod per test, and, after each test, a scan of every captured log
 * line for the secrets the simulator issued, then the simulator closed (restoring the system properties).
 */
abstract class ContextRunnerSupport {

    static final String ROLE = "arn:aws:iam::111122223333:role/orders";

    static final AutoConfigurations STARTER = AutoConfigurations.of(ApplicationAvailabilityAutoConfiguration.class,
            RoleProbeAutoConfiguration.class, RoleProbeHealthAutoConfiguration.class);

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(STARTER)
            .withPropertyValues("role-probe.backoff.initial=50ms", "role-probe.backoff.max=500ms");

    EksPodSimulator simulator;
    private LogCapture logs;

    @BeforeEach
    void captureLogs() {
        logs = LogCapture.start();
    }

    @AfterEach
    void scanForSecretsAndCloseSimulator() {
        try {
            if (simulator != null) {
                Set<String> secrets = simulator.issuedSecrets();
                List<String> lines = logs.lines();
                for (String secret : secrets) {
                    assertThat(lines).as("log lines").noneMatch(l -> l.contains(secret));
                }
            }
        } finally {
            logs.close();
            if (simulator != null) {
                simulator.close();
                simulator = null;
            }
        }
        assertThat(System.getProperty("aws.containerCredentialsFullUri")).isNull();
    }

    EksPodSimulator simulate(EksPodSimulator.Builder scenario) {
        simulator = scenario.start();
        simulator.applySystemProperties();
        return simulator;
    }

    LogCapture logs() {
        return logs;
    }

    /** Polls {@code condition} until it holds, at most 15 s. */
    static void awaitTrue(String what, java.util.function.BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within 15 s: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** Polls the verifier's snapshot until {@code condition} holds, at most 15 s. */
    static VerificationSnapshot await(IdentityVerifier verifier, Predicate<VerificationSnapshot> condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        VerificationSnapshot snapshot;
        do {
            snapshot = verifier.snapshot();
            if (condition.test(snapshot)) {
                return snapshot;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("condition not met within 15 s; last snapshot: " + snapshot);
    }
}
