package io.github.roleprobe.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Objects;

/**
 * JUnit 5 extension that runs an {@link EksPodSimulator} around tests and points the AWS SDK for
 * Java at it through {@link EksPodSimulator#applySystemProperties()}.
 *
 * <pre>{@code
 * @RegisterExtension
 * EksPodSimulatorExtension pod = EksPodSimulatorExtension.of(
 *         EksPodSimulator.builder().podIdentity("arn:aws:iam::111122223333:role/orders"));
 * }</pre>
 *
 * <p>On an instance field a new simulator starts before each test and is closed (system properties
 * restored) after it. On a static field one simulator serves the whole class, started before all
 * tests and closed after all. Tests of one class must not run in parallel with tests that use
 * other simulators: system properties are global to the JVM.
 */
public final class EksPodSimulatorExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final EksPodSimulator.Builder builder;
    private volatile EksPodSimulator simulator;
    private volatile boolean classScoped;

    private EksPodSimulatorExtension(EksPodSimulator.Builder builder) {
        this.builder = builder;
    }

    /**
     * @param builder the scenario; {@link EksPodSimulator.Builder#start()} is called for each run
     * @return the extension, to register with {@code @RegisterExtension}
     */
    public static EksPodSimulatorExtension of(EksPodSimulator.Builder builder) {
        return new EksPodSimulatorExtension(Objects.requireNonNull(builder, "builder"));
    }

    /**
     * @return the running simulator
     * @throws IllegalStateException outside a test (before start or after close)
     */
    public EksPodSimulator simulator() {
        EksPodSimulator s = simulator;
        if (s == null) {
            throw new IllegalStateException("the simulator runs only while a test runs");
        }
        return s;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        classScoped = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!classScoped) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!classScoped) {
            stop();
        }
    }

    private synchronized void start() {
        stop();
        EksPodSimulator s = builder.start();
        s.applySystemProperties();
        simulator = s;
    }

    private synchronized void stop() {
        EksPodSimulator s = simulator;
        simulator = null;
        if (s != null) {
            s.close();
        }
    }
}
