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

    // Values Micronaut cannot convert to the setting's type. Without SettingsConversionCheck, Micronaut 4.10 fails
    // startup with its own DependencyInjectionException ("Error resolving property value [role-probe.refresh-interval].
    // Unable to convert value [10] to target type [Duration] due to: Unparseable date format (10)..."): setting and
    // value, but no example, and not core's InvalidSettingException.

    @Test
    void nonNumericIdentificationsPerHourFailsStartupNamingSettingValueFormAndExample() {
        InvalidSettingException invalid = assertStartupFails(Map.of("role-probe.guard.identifications-per-hour", "abc"),
                "role-probe.guard.identifications-per-hour", "abc");

        assertThat(invalid.getMessage()).isEqualTo("Invalid value for 'role-probe.guard.identifications-per-hour':"
                + " 'abc'. It must be a whole number. Example: role-probe.guard.identifications-per-hour=20");
    }

    @Test
    void fractionalIdentificationsPerHourFailsStartupNamingSettingAndValue() {
        assertStartupFails(Map.of("role-probe.guard.identifications-per-hour", "1.5"),
                "role-probe.guard.identifications-per-hour", "1.5");
    }

    @Test
    void durationWithoutUnitFailsStartupNamingSettingValueFormAndExample() {
        InvalidSettingException invalid = assertStartupFails(Map.of("role-probe.refresh-interval", "10"),
                "role-probe.refresh-interval", "10");

        assertThat(invalid.getMessage()).isEqualTo("Invalid value for 'role-probe.refresh-interval': '10'. It must be"
                + " a duration: a whole number and a unit (ns, ms, s, m, h or d, in lowercase), such as 500ms, 30s or"
                + " 5m, or ISO-8601, such as PT30S. Example: role-probe.refresh-interval=60s");
    }

    @Test
    void garbledNestedDurationFailsStartupNamingSettingValueAndExample() {
        InvalidSettingException invalid = assertStartupFails(Map.of("role-probe.backoff.max", "fast"),
                "role-probe.backoff.max", "fast");

        assertThat(invalid.getMessage()).contains("such as 500ms, 30s or 5m, or ISO-8601, such as PT30S.",
                "Example: role-probe.backoff.max=5s");
    }

    @Test
    void durationWithUppercaseUnitFailsStartup() {
        assertStartupFails(Map.of("role-probe.sts-timeout", "5S"), "role-probe.sts-timeout", "5S");
        assertStartupFails(Map.of("role-probe.application-start-timeout", "soon"),
                "role-probe.application-start-timeout", "soon");
    }

    @Test
    void durationFromAnEnvironmentVariableFailsStartupNamingTheDottedSetting() {
        Throwable failure = catchThrowable(() -> startWithEnvironmentVariables(
                Map.of("ROLE_PROBE_REFRESH_INTERVAL", "10")).close());

        InvalidSettingException invalid = invalidSetting(failure);
        assertThat(invalid.setting()).isEqualTo("role-probe.refresh-interval");
        assertThat(invalid.value()).isEqualTo("10");
        assertThat(invalid.example()).isEqualTo("60s");
        assertThat(messageChain(failure)).anySatisfy(m -> assertThat(m)
                .contains("Invalid value for 'role-probe.refresh-interval': '10'", "role-probe.refresh-interval=60s"));
    }

    @Test
    void numberFromAnEnvironmentVariableFailsStartupNamingTheDottedSetting() {
        InvalidSettingException invalid = invalidSetting(catchThrowable(() -> startWithEnvironmentVariables(
                Map.of("ROLE_PROBE_GUARD_IDENTIFICATIONS_PER_HOUR", "twenty")).close()));

        assertThat(invalid.setting()).isEqualTo("role-probe.guard.identifications-per-hour");
        assertThat(invalid.value()).isEqualTo("twenty");
    }

    @Test
    void enabledOtherThanTrueOrFalseFailsStartupInsteadOfRunningRoleProbe() {
        // Micronaut binds FALSE, no, off or 0 to false and maybe to false as well, while role-probe's beans, which
        // @Requires(property = "role-probe.enabled", notEquals = "false"), stay active: before, the verifier ran.
        for (String value : List.of("FALSE", "no", "off", "0", "maybe")) {
            InvalidSettingException invalid = assertStartupFails(Map.of("role-probe.enabled", value),
                    "role-probe.enabled", value);
            assertThat(invalid.getMessage()).as(value).endsWith(
                    "'. It must be true or false, in lowercase. Example: role-probe.enabled=true");
        }
    }

    @Test
    void metricsEnabledOtherThanTrueOrFalseFailsStartupInsteadOfKeepingTheMeters() {
        // RoleProbeMetricsFactory @Requires(property = "role-probe.metrics.enabled", notEquals = "false"): FALSE kept
        // the meters.
        InvalidSettingException invalid = assertStartupFails(Map.of("role-probe.metrics.enabled", "FALSE"),
                "role-probe.metrics.enabled", "FALSE");
        assertThat(invalid.example()).isEqualTo("true");
    }

    @Test
    void everyTypedSettingIsCheckedBeforeBinding() {
        // Derived from the introspection of RoleProbeConfiguration and its nested classes: a typed property added
        // there shows up here, and the loop below proves that a value it cannot convert fails startup.
        assertThat(SettingsConversionCheck.settings()).extracting(SettingsConversionCheck.TypedSetting::key)
                .containsExactlyInAnyOrder("role-probe.enabled", "role-probe.refresh-interval", "role-probe.max-age",
                        "role-probe.liveness-grace", "role-probe.sts-timeout", "role-probe.application-start-timeout",
                        "role-probe.backoff.initial", "role-probe.backoff.max", "role-probe.backoff.local-max",
                        "role-probe.backoff.persistent-max", "role-probe.guard.identifications-per-hour",
                        "role-probe.metrics.enabled", "role-probe.heal.evict-not-injected", "role-probe.heal.after",
                        "role-probe.heal.max-evictions", "role-probe.heal.window");
        for (SettingsConversionCheck.TypedSetting setting : SettingsConversionCheck.settings()) {
            Map<String, Object> properties = new java.util.HashMap<>(Map.of("role-probe.enabled", "false"));
            properties.put(setting.key(), "not-a-value");
            InvalidSettingException invalid = invalidSetting(catchThrowable(() -> {
                try (ApplicationContext context = ApplicationContext.run(properties)) {
                    context.getBean(RoleProbeConfiguration.class);
                }
            }));
            assertThat(invalid.setting()).isEqualTo(setting.key());
            assertThat(invalid.value()).isEqualTo("not-a-value");
        }
        assertThat(SettingsConversionCheck.settings()).filteredOn(s -> s.key().equals("role-probe.max-age"))
                .singleElement().satisfies(s -> assertThat(s.example()).isEqualTo("1200s"));
    }

    @Test
    void nestedSettingsCreatedFirstAreCheckedToo() {
        // Whatever bean asks first: the nested settings classes run the same check in their constructors.
        for (Class<?> nested : List.of(RoleProbeConfiguration.GuardConfiguration.class,
                RoleProbeConfiguration.BackoffConfiguration.class)) {
            Throwable failure = catchThrowable(() -> {
                try (ApplicationContext context = ApplicationContext.run(Map.of("role-probe.enabled", "false",
                        "role-probe.refresh-interval", "10"))) {
                    context.getBean(nested);
                }
            });
            assertThat(invalidSetting(failure).setting()).as(nested.getSimpleName())
                    .isEqualTo("role-probe.refresh-interval");
        }
    }

    @Test
    void everyDurationFormTheMessageNamesBinds() {
        try (ApplicationContext context = ApplicationContext.run(Map.of("role-probe.enabled", "false",
                "role-probe.refresh-interval", "500ms", "role-probe.max-age", "5m", "role-probe.liveness-grace", "PT30S",
                "role-probe.sts-timeout", "30s", "role-probe.backoff.initial", "10ns", "role-probe.backoff.max", "1h",
                "role-probe.backoff.persistent-max", "1d", "role-probe.guard.identifications-per-hour", "+7"))) {
            RoleProbeConfiguration configuration = context.getBean(RoleProbeConfiguration.class);
            assertThat(configuration.getRefreshInterval()).isEqualTo(Duration.ofMillis(500));
            assertThat(configuration.getMaxAge()).isEqualTo(Duration.ofMinutes(5));
            assertThat(configuration.getLivenessGrace()).isEqualTo(Duration.ofSeconds(30));
            assertThat(configuration.getStsTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(configuration.getBackoff().getInitial()).isEqualTo(Duration.ofNanos(10));
            assertThat(configuration.getBackoff().getMax()).isEqualTo(Duration.ofHours(1));
            assertThat(configuration.getBackoff().getPersistentMax()).isEqualTo(Duration.ofDays(1));
            assertThat(configuration.getGuard().getIdentificationsPerHour()).isEqualTo(7);
        }
    }

    @Test
    void enabledTrueStillStartsAndFalseStillSkipsTheCheck() {
        try (RunningApp app = RunningApp.start(Map.of("role-probe.role-arns", "arn:aws:iam::111122223333:role/orders",
                "role-probe.enabled", "true"))) {
            assertThat(app.context().getBean(RoleProbeConfiguration.class).isEnabled()).isTrue();
        }
        // Disabled, role-probe's beans do not exist, so nothing binds the settings and nothing checks them.
        try (RunningApp app = RunningApp.start(Map.of("role-probe.enabled", "false",
                "role-probe.refresh-interval", "10"))) {
            assertThat(app.context().containsBean(io.github.roleprobe.verify.IdentityVerifier.class)).isFalse();
        }
    }

    /** Starts the application with {@code properties} (and an expected role); asserts core's error as root cause. */
    private static InvalidSettingException assertStartupFails(Map<String, Object> properties, String setting,
                                                              String value) {
        Map<String, Object> all = new java.util.HashMap<>(properties);
        all.put("role-probe.role-arns", "arn:aws:iam::111122223333:role/orders");
        Throwable failure = catchThrowable(() -> RunningApp.start(all).close());

        InvalidSettingException invalid = invalidSetting(failure);
        assertThat(invalid.setting()).isEqualTo(setting);
        assertThat(invalid.value()).isEqualTo(value);
        assertThat(failure.getMessage()).as("the startup failure's own message")
                .contains("Invalid value for '" + setting + "': '" + value + "'");
        assertThat(SimulatedPodTest.verifierThreadAlive()).isFalse();
        return invalid;
    }

    private static InvalidSettingException invalidSetting(Throwable failure) {
        assertThat(failure).isNotNull();
        assertThat(rootCause(failure)).isInstanceOf(InvalidSettingException.class);
        return (InvalidSettingException) rootCause(failure);
    }

    /** Starts the application with {@code variables} read as Micronaut reads environment variables. */
    private static RunningApp startWithEnvironmentVariables(Map<String, Object> variables) {
        return RunningApp.serve(ApplicationContext.builder()
                .deduceEnvironment(false)
                .properties(Map.of("micronaut.server.port", -1, "micronaut.server.host", "127.0.0.1",
                        "role-probe.role-arns", "arn:aws:iam::111122223333:role/orders"))
                .propertySources(PropertySource.of("test-environment-variables", variables,
                        PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE))
                .start());
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
