package io.github.roleprobe.spring;

import io.github.roleprobe.testkit.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.StsCallAccounting;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A simulated EKS pod for one {@code @SpringBootTest} class, registered as a static {@code @RegisterExtension} field.
 * Before the class (so before Spring loads the application context) it starts the scenario, applies the SDK's system
 * properties and starts capturing logs. After the class it closes the verifier (stopping its thread before the
 * simulator goes away; Spring's {@code @DirtiesContext} closes the application context right after), scans every log line and every HTTP body for the secrets the simulator issued,
 * then closes the simulator, which restores the system properties.
 */
final class SimulatedPod implements BeforeAllCallback, AfterAllCallback {

    private final EksPodSimulator.Builder scenario;
    private final List<String> bodies = Probes.newBodyLog();
    private EksPodSimulator simulator;
    private LogCapture logs;
    private ConfigurableApplicationContext context;

    private SimulatedPod(EksPodSimulator.Builder scenario) {
        this.scenario = scenario;
    }

    static SimulatedPod of(EksPodSimulator.Builder scenario) {
        return new SimulatedPod(scenario);
    }

    @Override
    public void beforeAll(ExtensionContext extensionContext) {
        logs = LogCapture.start();
        simulator = scenario.start();
        simulator.applySystemProperties();
    }

    /** Called by each test with the application context Spring loaded, and its port. */
    Probes connect(ConfigurableApplicationContext applicationContext, int port) {
        this.context = applicationContext;
        return new Probes(port, bodies);
    }

    EksPodSimulator simulator() {
        return simulator;
    }

    LogCapture logs() {
        return logs;
    }

    /** Adds text the test saw (an exception message, a caller ARN) to the secret scan after the class. */
    void scan(String text) {
        bodies.add(String.valueOf(text));
    }

    @Override
    public void afterAll(ExtensionContext extensionContext) {
        try {
            if (context != null) {
                IdentityVerifier verifier = context.getBeanProvider(IdentityVerifier.class).getIfAvailable();
                if (verifier != null) {
                    verifier.close();
                    if (simulator != null) {
                        StsCallAccounting.assertVerifiersMatch(simulator, List.of(verifier));
                    }
                }
                context = null;
            }
            if (simulator != null) {
                Set<String> secrets = simulator.issuedSecrets();
                List<String> lines = logs.lines();
                assertThat(lines).as("captured log lines").isNotEmpty();
                for (String secret : secrets) {
                    assertThat(bodies).as("HTTP bodies").noneMatch(b -> b.contains(secret));
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
        assertThat(System.getProperty("aws.endpointUrlSts")).isNull();
    }
}
