package io.github.roleprobe.spring;

import io.github.roleprobe.testkit.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.roleprobe.config.InvalidSettingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Scenario j: a malformed role ARN (or another invalid setting, such as an unknown {@code role-probe.guard.mode}) stops
 * the whole web application at startup, and Spring Boot's failure report names the setting, the rejected value, a
 * correct example and where the value came from. A value Spring Boot cannot convert to the property's type fails in
 * Boot's own binder, whose report names the property, the value, where it came from and why, without an example.
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

    @Test
    void unconvertibleValuesFailStartupWithSpringBootsReportNamingPropertyValueOriginAndReason() throws Exception {
        for (String[] unconvertible : List.of(
                new String[] {"ROLE_PROBE_REFRESH_INTERVAL", "fast", "role-probe.refresh-interval"},
                new String[] {"ROLE_PROBE_GUARD_IDENTIFICATIONS_PER_HOUR", "abc",
                        "role-probe.guard.identifications-per-hour"})) {
            String variable = unconvertible[0];
            String value = unconvertible[1];
            String property = unconvertible[2];
            // The variables as the process environment: Spring Boot maps only this property source's names.
            StandardEnvironment environment = new StandardEnvironment();
            environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            Map.of(variable, value)));
            logs.close();
            logs = LogCapture.start();

            Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(TestApplication.class)
                    .environment(environment)
                    .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                            "role-probe.role-arns=arn:aws:iam::111122223333:role/orders")
                    .run().close());

            assertThat(failure).as(property).isNotNull();
            List<String> report = logs.lines().stream().filter(l -> l.contains("APPLICATION FAILED TO START")).toList();
            assertThat(report).as("Spring Boot's failure analysis report for " + property).hasSize(1);
            assertThat(report.get(0))
                    .contains("Failed to bind properties under '" + property + "'")
                    .contains("Property: " + property)
                    .contains("Value: \"" + value + "\"")
                    .contains("Origin: System Environment Property \"" + variable + "\"")
                    .contains("Reason: failed to convert java.lang.String to");
            assertThat(SimulatedPodSpringBootTest.awaitNoVerifierThread(java.time.Duration.ofSeconds(2))).isTrue();
        }
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
