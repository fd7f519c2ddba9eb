package io.github.roleprobe.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.roleprobe.config.InvalidSettingException;
import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.guard.GuardMode;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Binding of {@code role-probe.*} and startup failure on invalid values. */
class RoleProbeConfigurationTest {

    @Test
    void everyKeyBindsIntoCoreConfig() {
        try (ApplicationContext context = ApplicationContext.run(Map.ofEntries(
                Map.entry("role-probe.enabled", "false"),
                Map.entry("role-probe.role-arns", "arn:aws:iam::111122223333:role/orders,arn:aws:iam::111122223333:role/team/billing"),
                Map.entry("role-probe.region", "eu-west-1"),
                Map.entry("role-probe.sts-endpoint", "https://sts.eu-west-1.amazonaws.com"),
                Map.entry("role-probe.backoff.initial", "100ms"),
                Map.entry("role-probe.backoff.max", "2s"),
                Map.entry("role-probe.backoff.local-max", "750ms"),
                Map.entry("role-probe.backoff.persistent-max", "10m"),
                Map.entry("role-probe.refresh-interval", "30s"),
                Map.entry("role-probe.max-age", "10m"),
                Map.entry("role-probe.liveness-grace", "90s"),
                Map.entry("role-probe.sts-timeout", "3s"),
                Map.entry("role-probe.application-start-timeout", "45s"),
                Map.entry("role-probe.guard.mode", "enforce"),
                Map.entry("role-probe.guard.allowed-role-arns", "arn:aws:iam::444455556666:role/reports-reader,arn:aws:iam::444455556666:role/audit"),
                Map.entry("role-probe.guard.identifications-per-hour", "5")))) {
            RoleProbeConfiguration configuration = context.getBean(RoleProbeConfiguration.class);
            RoleProbeConfig config = configuration.toRoleProbeConfig();

            assertThat(config.roleArns()).map(Object::toString).containsExactly(
                    "arn:aws:iam::111122223333:role/orders", "arn:aws:iam::111122223333:role/team/billing");
            assertThat(config.region()).contains("eu-west-1");
            assertThat(config.stsEndpoint()).contains(URI.create("https://sts.eu-west-1.amazonaws.com"));
            assertThat(config.backoffInitial()).isEqualTo(Duration.ofMillis(100));
            assertThat(config.backoffMax()).isEqualTo(Duration.ofSeconds(2));
            assertThat(config.backoffLocalMax()).isEqualTo(Duration.ofMillis(750));
            assertThat(config.backoffPersistentMax()).isEqualTo(Duration.ofMinutes(10));
            assertThat(config.refreshInterval()).isEqualTo(Duration.ofSeconds(30));
            assertThat(config.maxAge()).isEqualTo(Duration.ofMinutes(10));
            assertThat(config.livenessGrace()).isEqualTo(Duration.ofSeconds(90));
            assertThat(config.stsTimeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(configuration.getApplicationStartTimeout()).isEqualTo(Duration.ofSeconds(45));
            assertThat(config.guardMode()).isEqualTo(GuardMode.ENFORCE);
            assertThat(config.guardAllowedRoleArns()).map(Object::toString).containsExactly(
                    "arn:aws:iam::444455556666:role/reports-reader", "arn:aws:iam::444455556666:role/audit");
            assertThat(config.guardIdentificationsPerHour()).isEqualTo(5);
        }
    }

    @Test
    void guardModeIsCaseInsensitiveAndOffBinds() {
        try (ApplicationContext context = ApplicationContext.run(Map.of("role-probe.enabled", "false",
                "role-probe.guard.mode", "OFF"))) {
            assertThat(context.getBean(RoleProbeConfiguration.class).toRoleProbeConfig().guardMode())
                    .isEqualTo(GuardMode.OFF);
        }
    }

    @Test
    void environmentVariablesBindUnderTheUnderscoreFormOnly() {
        // Micronaut maps each underscore of an environment variable to a dot or a dash, so ROLE_PROBE_GUARD_MODE
        // reaches role-probe.guard.mode; Spring Boot's dash-less ROLEPROBE_GUARD_MODE names no Micronaut key.
        Map<String, Object> variables = Map.of(
                "ROLE_PROBE_ROLE_ARNS", "arn:aws:iam::111122223333:role/orders",
                "ROLE_PROBE_LIVENESS_GRACE", "5s",
                "ROLE_PROBE_BACKOFF_MAX", "3s",
                "ROLE_PROBE_BACKOFF_LOCAL_MAX", "700ms",
                "ROLE_PROBE_GUARD_MODE", "enforce",
                "ROLE_PROBE_GUARD_ALLOWED_ROLE_ARNS", "arn:aws:iam::444455556666:role/reports-reader",
                "ROLE_PROBE_GUARD_IDENTIFICATIONS_PER_HOUR", "7");
        try (ApplicationContext context = withEnvironmentVariables(variables)) {
            RoleProbeConfig config = context.getBean(RoleProbeConfiguration.class).toRoleProbeConfig();
            assertThat(config.roleArns()).map(Object::toString).containsExactly("arn:aws:iam::111122223333:role/orders");
            assertThat(config.livenessGrace()).isEqualTo(Duration.ofSeconds(5));
            assertThat(config.backoffMax()).isEqualTo(Duration.ofSeconds(3));
            assertThat(config.backoffLocalMax()).isEqualTo(Duration.ofMillis(700));
            assertThat(config.guardMode()).isEqualTo(GuardMode.ENFORCE);
            assertThat(config.guardAllowedRoleArns()).map(Object::toString)
                    .containsExactly("arn:aws:iam::444455556666:role/reports-reader");
            assertThat(config.guardIdentificationsPerHour()).isEqualTo(7);
        }
        try (ApplicationContext context = withEnvironmentVariables(Map.of("ROLEPROBE_GUARD_MODE", "enforce",
                "ROLEPROBE_GUARD_IDENTIFICATIONSPERHOUR", "7"))) {
            RoleProbeConfig config = context.getBean(RoleProbeConfiguration.class).toRoleProbeConfig();
            assertThat(config.guardMode()).isEqualTo(RoleProbeConfig.DEFAULT_GUARD_MODE);
            assertThat(config.guardIdentificationsPerHour()).isEqualTo(RoleProbeConfig.DEFAULT_GUARD_IDENTIFICATIONS_PER_HOUR);
        }
    }

    /** A context whose only configuration is {@code variables}, read as Micronaut reads environment variables. */
    private static ApplicationContext withEnvironmentVariables(Map<String, Object> variables) {
        return ApplicationContext.builder()
                .deduceEnvironment(false)
                .properties(Map.of("role-probe.enabled", "false"))
                .propertySources(PropertySource.of("test-environment-variables", variables,
                        PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE))
                .start();
    }

    @Test
    void defaultsAreCoreDefaults() {
        try (ApplicationContext context = ApplicationContext.run(Map.of("role-probe.enabled", "false"))) {
            RoleProbeConfiguration configuration = context.getBean(RoleProbeConfiguration.class);
            RoleProbeConfig config = configuration.toRoleProbeConfig();

            assertThat(configuration.getRoleArns()).isEmpty();
            assertThat(config.region()).isEmpty();
            assertThat(config.stsEndpoint()).isEmpty();
            assertThat(config.backoffInitial()).isEqualTo(RoleProbeConfig.DEFAULT_BACKOFF_INITIAL).isEqualTo(Duration.ofMillis(200));
            assertThat(config.backoffMax()).isEqualTo(RoleProbeConfig.DEFAULT_BACKOFF_MAX).isEqualTo(Duration.ofSeconds(5));
            assertThat(config.backoffLocalMax()).isEqualTo(RoleProbeConfig.DEFAULT_BACKOFF_LOCAL_MAX)
                    .isEqualTo(Duration.ofSeconds(1));
            assertThat(config.refreshInterval()).isEqualTo(Duration.ofMinutes(1));
            assertThat(config.maxAge()).isEqualTo(RoleProbeConfig.DEFAULT_MAX_AGE).isEqualTo(Duration.ofMinutes(20));
            assertThat(config.livenessGrace()).isEqualTo(Duration.ofSeconds(60));
            assertThat(config.stsTimeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(configuration.getApplicationStartTimeout())
                    .isEqualTo(RoleProbeConfiguration.DEFAULT_APPLICATION_START_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
            assertThat(config.guardMode()).isEqualTo(RoleProbeConfig.DEFAULT_GUARD_MODE).isEqualTo(GuardMode.OBSERVE);
            assertThat(configuration.getGuard().getMode())
                    .isEqualTo(RoleProbeConfiguration.GuardConfiguration.DEFAULT_MODE).isEqualTo("observe");
            assertThat(config.guardAllowedRoleArns()).isEmpty();
            assertThat(config.guardIdentificationsPerHour())
                    .isEqualTo(RoleProbeConfiguration.GuardConfiguration.DEFAULT_IDENTIFICATIONS_PER_HOUR)
                    .isEqualTo(RoleProbeConfig.DEFAULT_GUARD_IDENTIFICATIONS_PER_HOUR).isEqualTo(20);
        }
        try (ApplicationContext context = ApplicationContext.run(Map.of("role-probe.enabled", "false"))) {
            assertThat(context.getBean(RoleProbeConfiguration.class).isEnabled()).isFalse();
        }
    }

    @Test
    void malformedRoleArnFailsStartupNamingSettingValueAndExample() {
        Throwable failure = catchThrowable(() -> RunningApp.start(Map.of(
                "role-probe.role-arns", "arn:aws:iam::12345:role/x")).close());

        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).as("the startup failure's own message")
                .contains("role-probe.role-arns", "arn:aws:iam::12345:role/x", "arn:aws:iam::111122223333:role/orders");
        assertThat(rootCause(failure)).isInstanceOf(InvalidSettingException.class);
        assertThat(((InvalidSettingException) rootCause(failure)).setting()).isEqualTo("role-probe.role-arns");
        assertThat(messageChain(failure)).anySatisfy(m -> assertThat(m)
                .contains("role-probe.role-arns")
                .contains("arn:aws:iam::12345:role/x")
                .contains("arn:aws:iam::111122223333:role/orders"));
        assertThat(SimulatedPodTest.verifierThreadAlive()).isFalse();
    }

    @Test
    void invalidDurationFailsStartupNamingTheSetting() {
        Throwable failure = catchThrowable(() -> RunningApp.start(Map.of(
                "role-probe.role-arns", "arn:aws:iam::111122223333:role/orders",
                "role-probe.backoff.initial", "2s",
                "role-probe.backoff.max", "1s")).close());

        assertThat(messageChain(failure)).anySatisfy(m -> assertThat(m).contains("role-probe.backoff.max", "'1s'"));
    }

    @Test
    void nonPositiveLocalMaxFailsStartupNamingSettingValueAndExample() {
        Throwable failure = catchThrowable(() -> RunningApp.start(Map.of(
                "role-probe.role-arns", "arn:aws:iam::111122223333:role/orders",
                "role-probe.backoff.local-max", "0s")).close());

        assertThat(rootCause(failure)).isInstanceOf(InvalidSettingException.class);
        assertThat(((InvalidSettingException) rootCause(failure)).setting()).isEqualTo("role-probe.backoff.local-max");
        assertThat(messageChain(failure)).anySatisfy(m -> assertThat(m)
                .contains("role-probe.backoff.local-max", "'0s'", "role-probe.backoff.local-max=1s"));
    }

    @Test
    void negativeApplicationStartTimeoutFailsStartupNamingTheSetting() {
        Throwable failure = catchThrowable(() -> RunningApp.start(Map.of(
                "role-probe.role-arns", "arn:aws:iam::111122223333:role/orders",
                "role-probe.application-start-timeout", "-1s")).close());

        assertThat(rootCause(failure)).isInstanceOf(InvalidSettingException.class);
        assertThat(messageChain(failure)).anySatisfy(m -> assertThat(m)
                .contains("role-probe.application-start-timeout", "'-1s'", "30s"));
        assertThat(SimulatedPodTest.verifierThreadAlive()).isFalse();
    }

    @Test
    void unknownGuardModeFailsStartupNamingSettingValueAndExample() {
        Throwable failure = catchThrowable(() -> RunningApp.start(Map.of(
                "role-probe.role-arns", "arn:aws:iam::111122223333:role/orders",
                "role-probe.guard.mode", "enforcing")).close());

        assertThat(rootCause(failure)).isInstanceOf(InvalidSettingException.class);
        assertThat(((InvalidSettingException) rootCause(failure)).setting()).isEqualTo("role-probe.guard.mode");
        assertThat(messageChain(failure)).anySatisfy(m -> assertThat(m)
                .contains("Invalid value for 'role-probe.guard.mode': 'enforcing'", "observe, enforce or off",
                        "role-probe.guard.mode=observe"));
        assertThat(SimulatedPodTest.verifierThreadAlive()).isFalse();
    }

    @Test
    void malformedAllowedRoleArnFailsStartupNamingSettingValueAndExample() {
        Throwable failure = catchThrowable(() -> RunningApp.start(Map.of(
                "role-probe.role-arns", "arn:aws:iam::111122223333:role/orders",
                "role-probe.guard.allowed-role-arns", "arn:aws:iam::4444:role/reports-reader")).close());

        assertThat(rootCause(failure)).isInstanceOf(InvalidSettingException.class);
        assertThat(((InvalidSettingException) rootCause(failure)).setting())
                .isEqualTo("role-probe.guard.allowed-role-arns");
        assertThat(messageChain(failure)).anySatisfy(m -> assertThat(m)
                .contains("role-probe.guard.allowed-role-arns", "'arn:aws:iam::4444:role/reports-reader'",
                        "role-probe.guard.allowed-role-arns=arn:aws:iam::111122223333:role/orders"));
    }

    @Test
    void negativeIdentificationsPerHourFailsStartupNamingSettingValueAndExample() {
        Throwable failure = catchThrowable(() -> RunningApp.start(Map.of(
                "role-probe.role-arns", "arn:aws:iam::111122223333:role/orders",
                "role-probe.guard.identifications-per-hour", "-1")).close());

        assertThat(rootCause(failure)).isInstanceOf(InvalidSettingException.class);
        assertThat(messageChain(failure)).anySatisfy(m -> assertThat(m)
                .contains("role-probe.guard.identifications-per-hour", "'-1'",
                        "role-probe.guard.identifications-per-hour=20"));
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static List<String> messageChain(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return messages;
    }
}
