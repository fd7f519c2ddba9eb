package io.github.roleprobe.micronaut;

import io.github.roleprobe.testkit.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.StsCallAccounting;
import io.github.roleprobe.verify.VerificationSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Runs an {@link EksPodSimulator} and a Micronaut application per test. After each test: closes the application,
 * scans every health payload, every text handed to {@link #scan(String)} and every log line of the test for the
 * secrets the simulator issued, then closes the simulator, which restores the system properties it set.
 */
abstract class SimulatedPodTest {

    static final String ROLE = "arn:aws:iam::111122223333:role/orders";
    static final PodEnvironment IN_KUBERNETES = PodEnvironment.of(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"));
    static final PodEnvironment OUTSIDE_KUBERNETES = PodEnvironment.of(Map.of());

    EksPodSimulator simulator;
    RunningApp app;
    private LogCapture logs;
    private final List<String> scannedBodies = new ArrayList<>();
    /** Verifiers of further applications of the test, closed already: their STS calls count too. */
    private final List<IdentityVerifier> closedVerifiers = new ArrayList<>();

    @BeforeEach
    void captureLogs() {
        logs = LogCapture.start();
    }

    @AfterEach
    void closeAndScanForSecrets() {
        try {
            closeApp();
            if (simulator != null) {
                Set<String> secrets = simulator.issuedSecrets();
                List<String> lines = logs.lines();
                for (String secret : secrets) {
                    assertThat(scannedBodies).as("health payloads").noneMatch(b -> b.contains(secret));
                    assertThat(lines).as("log lines").noneMatch(l -> l.contains(secret));
                }
            }
        } finally {
            logs.close();
            if (simulator != null) {
                simulator.close();
                simulator = null;
            }
            closedVerifiers.clear();
        }
        assertThat(System.getProperty("aws.containerCredentialsFullUri")).isNull();
    }

    /** Starts the scenario and points the SDK at it (before any application context starts). */
    EksPodSimulator simulate(EksPodSimulator.Builder scenario) {
        simulator = scenario.start();
        simulator.applySystemProperties();
        return simulator;
    }

    /** Starts the application with role-probe settings for fast tests and details visible. */
    RunningApp start(Map<String, Object> overrides, Object... singletons) {
        app = RunningApp.start(properties(overrides), singletons);
        return app;
    }

    /** @return role-probe settings for fast tests and details visible, with {@code overrides} on top */
    static Map<String, Object> properties(Map<String, Object> overrides) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("role-probe.backoff.initial", "50ms");
        properties.put("role-probe.backoff.max", "500ms");
        properties.put("endpoints.health.details-visible", "ANONYMOUS");
        properties.putAll(overrides);
        return properties;
    }

    /** Polls the verifier's snapshot until {@code condition} holds, at most {@link RunningApp#DEADLINE}. */
    static VerificationSnapshot await(IdentityVerifier verifier, Predicate<VerificationSnapshot> condition) {
        Instant deadline = Instant.now().plus(RunningApp.DEADLINE);
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
        throw new AssertionError("condition not met within " + RunningApp.DEADLINE + "; last snapshot: " + snapshot);
    }

    /** Polls {@code condition} until it holds, at most {@link RunningApp#DEADLINE}. */
    static void awaitTrue(String what, java.util.function.BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(RunningApp.DEADLINE);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + RunningApp.DEADLINE + ": " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    void closeApp() {
        if (app != null) {
            scannedBodies.addAll(app.bodies());
            java.util.Optional<IdentityVerifier> verifier = app.context().findBean(IdentityVerifier.class);
            app.close();
            app = null;
            if (simulator != null && verifier.isPresent()) {
                // role-probe's count of STS calls = what the simulator's STS received from role-probe's client.
                List<IdentityVerifier> all = new ArrayList<>(closedVerifiers);
                all.add(verifier.get());
                StsCallAccounting.assertVerifiersMatch(simulator, all);
                closedVerifiers.add(verifier.get());
            }

        }
    }

    LogCapture logs() {
        return logs;
    }

    /** Adds text the test saw (an exception message, a metrics scrape) to the secret scan after the test. */
    void scan(String text) {
        scannedBodies.add(String.valueOf(text));
    }

    /** Adds every body {@code other} fetched to the secret scan, then closes it: for a second application. */
    void scanAndClose(RunningApp other) {
        scannedBodies.addAll(other.bodies());
        other.context().findBean(IdentityVerifier.class).ifPresent(closedVerifiers::add);
        other.close();
    }

    static boolean verifierThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && IdentityVerifier.THREAD_NAME.equals(t.getName()));
    }

    static boolean awaitNoVerifierThread(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (verifierThreadAlive()) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
