package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.github.roleprobe.heal.SelfEvictionConfig;
import io.github.roleprobe.config.InvalidSettingException;
import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.guard.GuardMode;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;

/** Binding of {@code role-probe.*}, its metadata, and startup failure on invalid values. */
class RoleProbePropertiesTest {

    // role-probe stays inactive in these contexts (no Kubernetes, or disabled): binding and validation only.
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RoleProbeAutoConfiguration.class))
            .withBean(io.github.roleprobe.environment.PodEnvironment.class, () -> TestApplication.OUTSIDE_KUBERNETES);

    @Test
    void everyKeyBindsIntoCoreConfig() {
        runner.withPropertyValues(
                "role-probe.role-arns=arn:aws:iam::111122223333:role/orders,arn:aws:iam::111122223333:role/team/billing",
                "role-probe.region=eu-west-1",
                "role-probe.sts-endpoint=https://sts.eu-west-1.amazonaws.com",
                "role-probe.backoff.initial=100ms",
                "role-probe.backoff.max=2s",
                "role-probe.backoff.local-max=750ms",
                "role-probe.backoff.persistent-max=10m",
                "role-probe.refresh-interval=30s",
                "role-probe.max-age=10m",
                "role-probe.liveness-grace=90s",
                "role-probe.sts-timeout=3s",
                "role-probe.guard.mode=enforce",
                "role-probe.guard.allowed-role-arns=arn:aws:iam::444455556666:role/reports-reader,arn:aws:iam::444455556666:role/audit",
                "role-probe.guard.identifications-per-hour=5").run(context -> {
                    assertThat(context).hasNotFailed();
                    RoleProbeConfig config = context.getBean(RoleProbeProperties.class).toRoleProbeConfig();
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
                    assertThat(config.guardMode()).isEqualTo(GuardMode.ENFORCE);
                    assertThat(config.guardAllowedRoleArns()).map(Object::toString).containsExactly(
                            "arn:aws:iam::444455556666:role/reports-reader", "arn:aws:iam::444455556666:role/audit");
                    assertThat(config.guardIdentificationsPerHour()).isEqualTo(5);
                    assertThat(context.getBean(RoleProbeProperties.class).isEnabled()).isTrue();
                });
    }

    @Test
    void relaxedNamesAndIndexedListsBindToo() {
        runner.withPropertyValues(
                "role-probe.roleArns[0]=arn:aws:iam::111122223333:role/orders",
                "role-probe.roleArns[1]=arn:aws-cn:iam::111122223333:role/orders",
                "role-probe.liveness_grace=2m").run(context -> {
                    RoleProbeConfig config = context.getBean(RoleProbeProperties.class).toRoleProbeConfig();
                    assertThat(config.roleArns()).hasSize(2);
                    assertThat(config.livenessGrace()).isEqualTo(Duration.ofMinutes(2));
                });
    }

    @Test
    void environmentVariablesBindUnderMicronautsNamesAndSpringBootsCanonicalOnes() {
        // Spring Boot's canonical form drops the dashes (ROLEPROBE_BACKOFF_MAX); its legacy mapping (dashes as
        // underscores, Micronaut's form) works too, for nested keys as well (guardEnvironmentVariablesInMicronautsFormBindToo).
        for (Map<String, Object> variables : List.of(
                Map.<String, Object>of("ROLE_PROBE_ROLE_ARNS", "arn:aws:iam::111122223333:role/orders,arn:aws:iam::111122223333:role/billing",
                        "ROLE_PROBE_LIVENESS_GRACE", "5s", "ROLEPROBE_BACKOFF_MAX", "2s", "ROLEPROBE_BACKOFF_LOCALMAX", "500ms"),
                Map.<String, Object>of("ROLEPROBE_ROLEARNS", "arn:aws:iam::111122223333:role/orders,arn:aws:iam::111122223333:role/billing",
                        "ROLEPROBE_LIVENESSGRACE", "5s", "ROLEPROBE_BACKOFF_MAX", "2s", "ROLEPROBE_BACKOFF_LOCALMAX", "500ms"))) {
            org.springframework.boot.context.properties.bind.Binder binder =
                    new org.springframework.boot.context.properties.bind.Binder(
                            org.springframework.boot.context.properties.source.ConfigurationPropertySources.from(
                                    new org.springframework.core.env.SystemEnvironmentPropertySource(
                                    org.springframework.core.env.StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables)));
            RoleProbeConfig config = binder.bind(RoleProbeProperties.PREFIX, RoleProbeProperties.class)
                    .orElseThrow(AssertionError::new).toRoleProbeConfig();
            assertThat(config.roleArns()).as(variables.keySet().toString()).hasSize(2);
            assertThat(config.livenessGrace()).isEqualTo(Duration.ofSeconds(5));
            assertThat(config.backoffMax()).isEqualTo(Duration.ofSeconds(2));
            assertThat(config.backoffLocalMax()).isEqualTo(Duration.ofMillis(500));
        }
    }

    @Test
    void guardEnvironmentVariablesBindInSpringBootsCanonicalForm() {
        RoleProbeConfig config = bindEnvironment(Map.of(
                "ROLEPROBE_GUARD_MODE", "enforce",
                "ROLEPROBE_GUARD_ALLOWEDROLEARNS", "arn:aws:iam::444455556666:role/reports-reader",
                "ROLEPROBE_GUARD_IDENTIFICATIONSPERHOUR", "7"));
        assertThat(config.guardMode()).isEqualTo(GuardMode.ENFORCE);
        assertThat(config.guardAllowedRoleArns()).map(Object::toString)
                .containsExactly("arn:aws:iam::444455556666:role/reports-reader");
        assertThat(config.guardIdentificationsPerHour()).isEqualTo(7);
    }

    @Test
    void guardEnvironmentVariablesInMicronautsFormBindToo() {
        // Spring Boot's legacy mapping (each dash an underscore) reaches role-probe.guard.* as well.
        RoleProbeConfig config = bindEnvironment(Map.of(
                "ROLE_PROBE_GUARD_MODE", "enforce",
                "ROLE_PROBE_GUARD_ALLOWED_ROLE_ARNS", "arn:aws:iam::444455556666:role/reports-reader",
                "ROLE_PROBE_GUARD_IDENTIFICATIONS_PER_HOUR", "7",
                "ROLE_PROBE_BACKOFF_MAX", "3s"));
        assertThat(config.guardMode()).isEqualTo(GuardMode.ENFORCE);
        assertThat(config.guardAllowedRoleArns()).map(Object::toString)
                .containsExactly("arn:aws:iam::444455556666:role/reports-reader");
        assertThat(config.guardIdentificationsPerHour()).isEqualTo(7);
        assertThat(config.backoffMax()).isEqualTo(Duration.ofSeconds(3));
    }

    private static RoleProbeConfig bindEnvironment(Map<String, Object> variables) {
        org.springframework.boot.context.properties.bind.Binder binder =
                new org.springframework.boot.context.properties.bind.Binder(
                        org.springframework.boot.context.properties.source.ConfigurationPropertySources.from(
                                new org.springframework.core.env.SystemEnvironmentPropertySource(
                                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables)));
        return binder.bind(RoleProbeProperties.PREFIX, RoleProbeProperties.class)
                .orElseGet(RoleProbeProperties::new).toRoleProbeConfig();
    }

    @Test
    void durationsTakeSpringBootSyntax() {
        runner.withPropertyValues(
                "role-probe.backoff.initial=250",          // a plain number is milliseconds
                "role-probe.backoff.max=PT3S",             // ISO-8601
                "role-probe.refresh-interval=2m",
                "role-probe.max-age=1h",
                "role-probe.liveness-grace=0s",            // zero: liveness fails at once on a wrong identity
                "role-probe.sts-timeout=1500ms").run(context -> {
                    assertThat(context).hasNotFailed();
                    RoleProbeConfig config = context.getBean(RoleProbeProperties.class).toRoleProbeConfig();
                    assertThat(config.backoffInitial()).isEqualTo(Duration.ofMillis(250));
                    assertThat(config.backoffMax()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(config.refreshInterval()).isEqualTo(Duration.ofMinutes(2));
                    assertThat(config.maxAge()).isEqualTo(Duration.ofHours(1));
                    assertThat(config.livenessGrace()).isZero();
                    assertThat(config.stsTimeout()).isEqualTo(Duration.ofMillis(1500));
                });
    }

    @Test
    void defaultsAreCoreDefaults() {
        runner.run(context -> {
            RoleProbeProperties properties = context.getBean(RoleProbeProperties.class);
            RoleProbeConfig config = properties.toRoleProbeConfig();
            assertThat(properties.isEnabled()).isTrue();
            assertThat(properties.getRoleArns()).isEmpty();
            assertThat(config.region()).isEmpty();
            assertThat(config.stsEndpoint()).isEmpty();
            assertThat(config.backoffInitial()).isEqualTo(RoleProbeConfig.DEFAULT_BACKOFF_INITIAL).isEqualTo(Duration.ofMillis(200));
            assertThat(config.backoffMax()).isEqualTo(RoleProbeConfig.DEFAULT_BACKOFF_MAX).isEqualTo(Duration.ofSeconds(5));
            assertThat(config.backoffLocalMax()).isEqualTo(RoleProbeConfig.DEFAULT_BACKOFF_LOCAL_MAX).isEqualTo(Duration.ofSeconds(1));
            assertThat(config.refreshInterval()).isEqualTo(RoleProbeConfig.DEFAULT_REFRESH_INTERVAL).isEqualTo(Duration.ofMinutes(1));
            assertThat(config.maxAge()).isEqualTo(RoleProbeConfig.DEFAULT_MAX_AGE).isEqualTo(Duration.ofMinutes(20));
            assertThat(config.livenessGrace()).isEqualTo(RoleProbeConfig.DEFAULT_LIVENESS_GRACE).isEqualTo(Duration.ofSeconds(60));
            assertThat(config.stsTimeout()).isEqualTo(RoleProbeConfig.DEFAULT_STS_TIMEOUT).isEqualTo(Duration.ofSeconds(5));
            assertThat(properties.getGuard().getMode()).isEqualTo("observe");
            assertThat(config.guardMode()).isEqualTo(RoleProbeConfig.DEFAULT_GUARD_MODE).isEqualTo(GuardMode.OBSERVE);
            assertThat(config.guardAllowedRoleArns()).isEmpty();
            assertThat(config.guardIdentificationsPerHour())
                    .isEqualTo(RoleProbeConfig.DEFAULT_GUARD_IDENTIFICATIONS_PER_HOUR).isEqualTo(20);
        });
    }

    @Test
    void configurationMetadataDocumentsEveryKeyWithCoreDefaults() throws Exception {
        Object metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated by spring-boot-configuration-processor").isNotNull();
            metadata = JsonPath.parse(in).json();
        }
        Map<String, String> expectedDefaults = Map.ofEntries(
                Map.entry("role-probe.enabled", "true"),
                Map.entry("role-probe.backoff.initial", "200ms"),
                Map.entry("role-probe.backoff.max", "5s"),
                Map.entry("role-probe.backoff.local-max", "1s"),
                Map.entry("role-probe.backoff.persistent-max", "5m"),
                Map.entry("role-probe.refresh-interval", "1m"),
                Map.entry("role-probe.max-age", "20m"),
                Map.entry("role-probe.liveness-grace", "60s"),
                Map.entry("role-probe.sts-timeout", "5s"),
                Map.entry("role-probe.metrics.enabled", "true"),
                Map.entry("role-probe.guard.mode", "observe"),
                Map.entry("role-probe.guard.identifications-per-hour", "20"),
                Map.entry("role-probe.heal.evict-not-injected", "false"),
                Map.entry("role-probe.heal.after", "30s"),
                Map.entry("role-probe.heal.max-evictions", "3"),
                Map.entry("role-probe.heal.window", "1h"));
        List<String> keys = List.of("role-probe.enabled", "role-probe.role-arns", "role-probe.region",
                "role-probe.sts-endpoint", "role-probe.backoff.initial", "role-probe.backoff.max",
                "role-probe.backoff.local-max", "role-probe.backoff.persistent-max", "role-probe.refresh-interval", "role-probe.max-age", "role-probe.liveness-grace",
                "role-probe.sts-timeout", "role-probe.metrics.enabled", "role-probe.guard.mode",
                "role-probe.guard.allowed-role-arns", "role-probe.guard.identifications-per-hour",
                "role-probe.heal.evict-not-injected", "role-probe.heal.after", "role-probe.heal.max-evictions",
                "role-probe.heal.window");
        for (String key : keys) {
            List<Map<String, Object>> entries = JsonPath.read(metadata, "$.properties[?(@.name == '" + key + "')]");
            assertThat(entries).as(key).hasSize(1);
            assertThat((String) entries.get(0).get("description")).as("description of " + key).isNotBlank();
            if (expectedDefaults.containsKey(key)) {
                assertThat(String.valueOf(entries.get(0).get("defaultValue"))).as("default of " + key)
                        .isEqualTo(expectedDefaults.get(key));
            }
        }
        // The metadata's duration defaults are the ones core uses.
        assertThat(Duration.ofMillis(200)).isEqualTo(RoleProbeConfig.DEFAULT_BACKOFF_INITIAL);
        assertThat(Duration.ofSeconds(5)).isEqualTo(RoleProbeConfig.DEFAULT_BACKOFF_MAX).isEqualTo(RoleProbeConfig.DEFAULT_STS_TIMEOUT);
        assertThat(Duration.ofSeconds(1)).isEqualTo(RoleProbeConfig.DEFAULT_BACKOFF_LOCAL_MAX);
        assertThat(Duration.ofMinutes(1)).isEqualTo(RoleProbeConfig.DEFAULT_REFRESH_INTERVAL);
        assertThat(Duration.ofMinutes(20)).isEqualTo(RoleProbeConfig.DEFAULT_MAX_AGE);
        assertThat(Duration.ofSeconds(60)).isEqualTo(RoleProbeConfig.DEFAULT_LIVENESS_GRACE);
        // ... and role-probe-heal's, also the ones RoleProbeProperties.Heal binds by default.
        RoleProbeProperties.Heal heal = new RoleProbeProperties().getHeal();
        assertThat(Duration.ofSeconds(30)).isEqualTo(SelfEvictionConfig.DEFAULT_AFTER).isEqualTo(heal.getAfter());
        assertThat(Duration.ofHours(1)).isEqualTo(SelfEvictionConfig.DEFAULT_WINDOW).isEqualTo(heal.getWindow());
        assertThat(heal.getMaxEvictions()).isEqualTo(SelfEvictionConfig.DEFAULT_MAX_EVICTIONS).isEqualTo(3);
        assertThat(heal.isEvictNotInjected()).isFalse();
        List<String> regionHints = JsonPath.read(metadata, "$.hints[?(@.name == 'role-probe.region')].values[*].value");
        assertThat(regionHints).contains("eu-west-1", "us-east-1");
        assertThat(RoleProbeConfig.DEFAULT_GUARD_MODE.configValue()).isEqualTo("observe");
        assertThat(RoleProbeConfig.DEFAULT_GUARD_IDENTIFICATIONS_PER_HOUR).isEqualTo(20);
        List<Map<String, Object>> modeHints = JsonPath.read(metadata,
                "$.hints[?(@.name == 'role-probe.guard.mode')].values[*]");
        assertThat(modeHints).extracting(h -> h.get("value")).containsExactly("observe", "enforce", "off");
        assertThat(modeHints).allSatisfy(h -> assertThat((String) h.get("description")).isNotBlank());
        for (GuardMode mode : GuardMode.values()) {
            assertThat(modeHints).extracting(h -> h.get("value")).contains(mode.configValue());
        }
    }

    @Test
    void malformedRoleArnFailsNamingSettingValueAndExample() {
        runner.withPropertyValues("role-probe.role-arns=arn:aws:iam::12345:role/x").run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            InvalidSettingException invalid = (InvalidSettingException) MalformedRoleArnStartupTest.rootCause(failure);
            assertThat(invalid.setting()).isEqualTo("role-probe.role-arns");
            assertThat(invalid.getMessage()).contains("role-probe.role-arns", "arn:aws:iam::12345:role/x",
                    "arn:aws:iam::111122223333:role/orders");

            FailureAnalysis analysis = new InvalidSettingFailureAnalyzer(null).analyze(failure);
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("Invalid value for 'role-probe.role-arns'",
                    "'arn:aws:iam::12345:role/x'");
            assertThat(analysis.getAction()).contains("role-probe.role-arns=arn:aws:iam::111122223333:role/orders");
            assertThat(analysis.getCause()).isSameAs(invalid);
        });
    }

    @Test
    void unknownGuardModeFailsNamingSettingValueAndExample() {
        runner.withPropertyValues("role-probe.guard.mode=enforcing").run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            InvalidSettingException invalid = (InvalidSettingException) MalformedRoleArnStartupTest.rootCause(failure);
            assertThat(invalid.setting()).isEqualTo("role-probe.guard.mode");
            assertThat(invalid.getMessage()).contains("Invalid value for 'role-probe.guard.mode': 'enforcing'",
                    "observe, enforce or off", "role-probe.guard.mode=observe");

            FailureAnalysis analysis = new InvalidSettingFailureAnalyzer(null).analyze(failure);
            assertThat(analysis.getDescription()).contains("role-probe cannot start",
                    "Invalid value for 'role-probe.guard.mode'", "'enforcing'");
            assertThat(analysis.getAction()).contains("Update 'role-probe.guard.mode'", "role-probe.guard.mode=observe");
        });
    }

    @Test
    void malformedAllowedRoleArnFailsNamingSettingValueAndExample() {
        assertInvalid("role-probe.guard.allowed-role-arns=arn:aws:iam::4444:role/reports-reader",
                "role-probe.guard.allowed-role-arns", "'arn:aws:iam::4444:role/reports-reader'",
                "arn:aws:iam::111122223333:role/orders");
    }

    @Test
    void negativeIdentificationsPerHourFailsNamingTheSetting() {
        assertInvalid("role-probe.guard.identifications-per-hour=-1", "role-probe.guard.identifications-per-hour",
                "'-1'", "20");
    }

    @Test
    void failureAnalyzerNamesTheOriginOfAnIndexedAllowedRoleArn() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new org.springframework.core.env.MapPropertySource("test-source",
                Map.of("role-probe.guard.allowed-role-arns[0]", "arn:aws:iam::4444:role/reports-reader")));
        InvalidSettingException invalid = new InvalidSettingException("role-probe.guard.allowed-role-arns",
                "arn:aws:iam::4444:role/reports-reader", "Expected a 12-digit account.",
                "arn:aws:iam::111122223333:role/orders");

        FailureAnalysis analysis = new InvalidSettingFailureAnalyzer(environment)
                .analyze(new IllegalStateException("wrapped", invalid));

        assertThat(analysis.getDescription()).contains("Origin: \"role-probe.guard.allowed-role-arns[0]\" from property source \"test-source\"");
        assertThat(analysis.getAction()).contains("role-probe.guard.allowed-role-arns=arn:aws:iam::111122223333:role/orders");
    }

    @Test
    void invalidRegionFailsNamingTheSetting() {
        assertInvalid("role-probe.region=Ireland", "role-probe.region", "Ireland", "eu-west-1");
    }

    @Test
    void invalidStsEndpointFailsNamingTheSetting() {
        assertInvalid("role-probe.sts-endpoint=sts.eu-west-1.amazonaws.com", "role-probe.sts-endpoint",
                "sts.eu-west-1.amazonaws.com", "https://sts.eu-west-1.amazonaws.com");
    }

    @Test
    void backoffMaxShorterThanInitialFailsNamingTheSetting() {
        runner.withPropertyValues("role-probe.backoff.initial=2s", "role-probe.backoff.max=1s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(MalformedRoleArnStartupTest.messageChain(context.getStartupFailure()))
                    .anySatisfy(m -> assertThat(m).contains("role-probe.backoff.max", "'1s'", "role-probe.backoff.initial"));
        });
    }

    @Test
    void nonPositiveDurationFailsNamingTheSetting() {
        assertInvalid("role-probe.sts-timeout=0s", "role-probe.sts-timeout", "'0s'", "5s");
        assertInvalid("role-probe.liveness-grace=-1s", "role-probe.liveness-grace", "'-1s'", "60s");
        assertInvalid("role-probe.backoff.local-max=0s", "role-probe.backoff.local-max", "'0s'", "1s");
    }

    @Test
    void unparseableDurationFailsWithSpringBootsBindErrorNamingTheSetting() {
        runner.withPropertyValues("role-probe.max-age=fifteen minutes").run(context -> {
            assertThat(context).hasFailed();
            assertThat(MalformedRoleArnStartupTest.messageChain(context.getStartupFailure()))
                    .anySatisfy(m -> assertThat(m).contains("role-probe.max-age"));
        });
    }

    @Test
    void failureAnalyzerNamesTheOriginOfTheValue() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new org.springframework.core.env.MapPropertySource("test-source",
                Map.of("role-probe.region", "Ireland")));
        InvalidSettingException invalid = new InvalidSettingException("role-probe.region", "Ireland",
                "Expected an AWS region name.", "eu-west-1");

        FailureAnalysis analysis = new InvalidSettingFailureAnalyzer(environment)
                .analyze(new IllegalStateException("wrapped", invalid));

        assertThat(analysis.getDescription()).contains("role-probe.region", "Ireland");
        assertThat(analysis.getAction()).contains("role-probe.region=eu-west-1");
    }

    @Test
    void disabledSkipsValidation() {
        runner.withPropertyValues("role-probe.enabled=false", "role-probe.role-arns=not-an-arn")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(RoleProbeProperties.class));
    }

    private void assertInvalid(String property, String setting, String value, String example) {
        runner.withPropertyValues(property).run(context -> {
            assertThat(context).hasFailed();
            Throwable root = MalformedRoleArnStartupTest.rootCause(context.getStartupFailure());
            assertThat(root).isInstanceOf(InvalidSettingException.class);
            assertThat(((InvalidSettingException) root).setting()).isEqualTo(setting);
            assertThat(root.getMessage()).contains(setting, value, setting + "=" + example);
        });
    }
}
