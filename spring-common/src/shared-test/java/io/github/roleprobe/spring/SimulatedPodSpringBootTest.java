package io.github.roleprobe.spring;

import io.github.roleprobe.verify.IdentityVerifier;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * The whole application (Tomcat, actuator, the starter) on a random port, against the simulated EKS pod of the
 * subclass's static {@link SimulatedPod}, through the real SDK credential providers. The settings are those of the
 * {@code simulated-pod} profile ({@code application-simulated-pod.properties}: loopback, the expected role
 * {@value #ROLE}, short backoff, health details shown); the probe groups are left as Spring Boot configures them. Each
 * class gets a fresh application context, closed after the class. A subclass may name another application with its
 * own {@code @SpringBootTest} ({@link SpringCloudAwsSpringBootTest}).
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("simulated-pod")
@DirtiesContext
abstract class SimulatedPodSpringBootTest {

    static final String ROLE = "arn:aws:iam::111122223333:role/orders";

    @LocalServerPort
    int port;

    @Autowired
    ConfigurableApplicationContext context;

    Probes probes;

    /** @return the subclass's static simulated pod */
    abstract SimulatedPod pod();

    @BeforeEach
    void connect() {
        probes = pod().connect(context, port);
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
