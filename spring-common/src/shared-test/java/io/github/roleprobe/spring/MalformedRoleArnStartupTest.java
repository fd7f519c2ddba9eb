package io.github.roleprobe.spring;

import io.github.roleprobe.testkit.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.roleprobe.config.InvalidSettingException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * Scenario j: a malformed role ARN (or another invalid setting, such as an unknown {@code role-probe.guard.mode}) stops
 * the whole web application at startup, and Spring Boot's failure report names the setting, the rejected value, a
 * correct example and where the value came from.
 */
class MalformedRoleArnStartupTest {

    private LogCapture logs;

    @BeforeEach
    void captureLogs() {
        logs = LogCapture.start();
    }

    @AfterEach
    void stopCapturing() {
        logs.close();
    }

    @Test
    void malformedRoleArnFailsStartupNamingSettingValueExampleAndOrigin() throws Exception {
        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(TestApplication.class)
                .profiles("malformed-arn")
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
                .run().close());

        assertThat(failure).isNotNull();
        assertThat(rootCause(failure)).isInstanceOf(InvalidSettingException.class);
        InvalidSettingException invalid = (InvalidSettingException) rootCause(failure);
        assertThat(invalid.setting()).isEqualTo("role-probe.role-arns");
        assertThat(invalid.value()).isEqualTo("arn:aws:iam::12345:role/x");
        assertThat(messageChain(failure)).anySatisfy(m -> assertThat(m)
                .contains("role-probe.role-arns", "arn:aws:iam::12345:role/x", "arn:aws:iam::111122223333:role/orders"));

        List<String> report = logs.lines().stream().filter(l -> l.contains("APPLICATION FAILED TO START")).toList();
        assertThat(report).as("Spring Boot's failure analysis report").hasSize(1);
        assertThat(report.get(0))
                .contains("role-probe cannot start: Invalid value for 'role-probe.role-arns': 'arn:aws:iam::12345:role/x'")
                .contains("Origin: class path resource [application-malformed-arn.properties]")
                .contains("Update 'role-probe.role-arns'")
                .contains("role-probe.role-arns=arn:aws:iam::111122223333:role/orders");
        assertThat(SimulatedPodSpringBootTest.awaitNoVerifierThread(java.time.Duration.ofSeconds(2))).isTrue();
    }

    @Test
    void unknownGuardModeFailsStartupNamingSettingValueExampleAndOrigin() throws Exception {
        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(TestApplication.class)
                .profiles("bad-guard-mode")
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
                .run().close());

        assertThat(rootCause(failure)).isInstanceOf(InvalidSettingException.class);
        InvalidSettingException invalid = (InvalidSettingException) rootCause(failure);
        assertThat(invalid.setting()).isEqualTo("role-probe.guard.mode");
        assertThat(invalid.value()).isEqualTo("enforcing");

        List<String> report = logs.lines().stream().filter(l -> l.contains("APPLICATION FAILED TO START")).toList();
        assertThat(report).as("Spring Boot's failure analysis report").hasSize(1);
        assertThat(report.get(0))
                .contains("role-probe cannot start: Invalid value for 'role-probe.guard.mode': 'enforcing'."
                        + " Expected observe, enforce or off.")
                .contains("Origin: class path resource [application-bad-guard-mode.properties]")
                .contains("Update 'role-probe.guard.mode'")
                .contains("role-probe.guard.mode=observe");
        assertThat(SimulatedPodSpringBootTest.awaitNoVerifierThread(java.time.Duration.ofSeconds(2))).isTrue();
    }

    static Throwable rootCause(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static List<String> messageChain(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return messages;
    }
}
