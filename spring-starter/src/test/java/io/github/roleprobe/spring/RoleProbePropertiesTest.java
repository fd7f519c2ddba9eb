package io.github.roleprobe.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.github.roleprobe.config.InvalidSettingException;
import io.github.roleprobe.config.RoleProbeConfig;
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
                "role-probe.refresh-interval=30s",
                "role-probe.max-age=10m",
                "role-probe.liveness-grace=90s",
                "role-probe.sts-timeout=3s").run(context -> {
                    assertThat(context).hasNotFailed();
                    RoleProbeConfig config = context.getBean(RoleProbeProperties.class).toRoleProbeConfig();
                    assertThat(config.roleArns()).map(Object::toString).containsExactly(
                            "arn:aws:iam::111122223333:role/orders", "arn:aws:iam::111122223333:role/team/billing");
                    assertThat(config.region()).contains("eu-west-1");
                    assertThat(config.stsEndpoint()).contains(URI.create("https://sts.eu-west-1.amazonaws.com"));
                    assertThat(config.backoffInitial()).isEqualTo(Duration.ofMillis(100));
                    assertThat(config.backoffMax()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(config.backoffLocalMax()).isEqualTo(Duration.ofMillis(750));
                    assertThat(config.refreshInterval()).isEqualTo(Duration.ofSeconds(30));
                    assertThat(config.maxAge()).isEqualTo(Duration.ofMinutes(10));
                    assertThat(config.livenessGrace()).isEqualTo(Duration.ofSeconds(90));
                    assertThat(config.stsTimeout()).isEqualTo(Duration.ofSeconds(3));
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
        // Spring Boot's legacy mapping (dashes as underscores) covers the top-level keys; nested keys such as
        // role-probe.backoff.max need the canonical form (ROLEPROBE_BACKOFF_MAX).
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
        });
    }

    @Test
    void configurationMetadataDocumentsEveryKeyWithCoreDefaults() throws Exception {
        Object metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated by spring-boot-configuration-processor").isNotNull();
            metadata = JsonPath.parse(in).json();
        }
        Map<String, String> expectedDefaults = Map.of(
                "role-probe.enabled", "true",
                "role-probe.backoff.initial", "200ms",
                "role-probe.backoff.max", "5s",
                "role-probe.backoff.local-max", "1s",
                "role-probe.refresh-interval", "1m",
                "role-probe.max-age", "20m",
                "role-probe.liveness-grace", "60s",
                "role-probe.sts-timeout", "5s",
                "role-probe.metrics.enabled", "true");
        List<String> keys = List.of("role-probe.enabled", "role-probe.role-arns", "role-probe.region",
                "role-probe.sts-endpoint", "role-probe.backoff.initial", "role-probe.backoff.max",
                "role-probe.backoff.local-max", "role-probe.refresh-interval", "role-probe.max-age", "role-probe.liveness-grace",
                "role-probe.sts-timeout", "role-probe.metrics.enabled");
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
        List<String> regionHints = JsonPath.read(metadata, "$.hints[?(@.name == 'role-probe.region')].values[*].value");
        assertThat(regionHints).contains("eu-west-1", "us-east-1");
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
