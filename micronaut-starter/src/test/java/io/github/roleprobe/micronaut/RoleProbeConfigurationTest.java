package io.github.roleprobe.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.roleprobe.config.InvalidSettingException;
import io.github.roleprobe.config.RoleProbeConfig;
import io.micronaut.context.ApplicationContext;
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
                Map.entry("role-probe.refresh-interval", "30s"),
                Map.entry("role-probe.max-age", "10m"),
                Map.entry("role-probe.liveness-grace", "90s"),
                Map.entry("role-probe.sts-timeout", "3s"),
                Map.entry("role-probe.application-start-timeout", "45s")))) {
            RoleProbeConfiguration configuration = context.getBean(RoleProbeConfiguration.class);
            RoleProbeConfig config = configuration.toRoleProbeConfig();

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
            assertThat(configuration.getApplicationStartTimeout()).isEqualTo(Duration.ofSeconds(45));
        }
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
