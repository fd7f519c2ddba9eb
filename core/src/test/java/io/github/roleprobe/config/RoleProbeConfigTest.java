package io.github.roleprobe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoleProbeConfigTest {

    @Test
    void defaultsMatchTheDocumentedValues() {
        RoleProbeConfig config = RoleProbeConfig.builder().build();

        assertThat(config.roleArns()).isEmpty();
        assertThat(config.backoffInitial()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.backoffMax()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.backoffLocalMax()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.refreshInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.maxAge()).isEqualTo(Duration.ofMinutes(20));
        assertThat(config.livenessGrace()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.stsTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.region()).isEmpty();
        assertThat(config.stsEndpoint()).isEmpty();
    }

    @Test
    void blankRoleEntriesAreIgnored() {
        RoleProbeConfig config = RoleProbeConfig.builder()
                .roleArns(List.of("arn:aws:iam::111122223333:role/orders", " ")).build();

        assertThat(config.roleArns()).hasSize(1);
    }

    @Test
    void spacesAroundRoleEntriesAreTrimmedAsDocumentedAndSpacesInsideAreRejected() {
        // A comma-separated value written with ", " binds as entries with a leading space (Spring Boot, Micronaut).
        RoleProbeConfig config = RoleProbeConfig.builder()
                .roleArns(List.of(" arn:aws:iam::111122223333:role/orders", "\tarn:aws:iam::111122223333:role/billing ", ""))
                .build();
        assertThat(config.roleArns()).map(Object::toString).containsExactly("arn:aws:iam::111122223333:role/orders",
                "arn:aws:iam::111122223333:role/billing");

        assertThatThrownBy(() -> RoleProbeConfig.builder().roleArns(List.of("arn:aws:iam::111122223333:role/or ders")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("role-probe.role-arns").hasMessageContaining("'arn:aws:iam::111122223333:role/or ders'");
    }

    @Test
    void badRegionNamesTheSetting() {
        assertThatThrownBy(() -> RoleProbeConfig.builder().region("Europe"))
                .hasMessageContaining("role-probe.region").hasMessageContaining("'Europe'")
                .hasMessageContaining("eu-west-1");
    }

    @Test
    void badEndpointNamesTheSetting() {
        assertThatThrownBy(() -> RoleProbeConfig.builder().stsEndpoint("sts.amazonaws.com"))
                .hasMessageContaining("role-probe.sts-endpoint").hasMessageContaining("https://sts.eu-west-1.amazonaws.com");
        assertThatThrownBy(() -> RoleProbeConfig.builder().stsEndpoint("https://exa mple"))
                .hasMessageContaining("role-probe.sts-endpoint");
    }

    @Test
    void maxBackoffShorterThanInitialIsRejected() {
        assertThatThrownBy(() -> RoleProbeConfig.builder()
                .backoffInitial(Duration.ofSeconds(2)).backoffMax(Duration.ofSeconds(1)).build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("role-probe.backoff.max");
    }

    @Test
    void localMaxThatIsNotPositiveIsRejectedNamingSettingValueAndExample() {
        assertThatThrownBy(() -> RoleProbeConfig.builder().backoffLocalMax(Duration.ZERO).build())
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> {
                    assertThat(e.setting()).isEqualTo("role-probe.backoff.local-max");
                    assertThat(e.value()).isEqualTo("0s");
                    assertThat(e.example()).isEqualTo("1s");
                })
                .hasMessageContaining("role-probe.backoff.local-max=1s");
        assertThatThrownBy(() -> RoleProbeConfig.builder().backoffLocalMax(Duration.ofMillis(-250)).build())
                .hasMessageContaining("role-probe.backoff.local-max").hasMessageContaining("'-250ms'");
    }

    @Test
    void localMaxAboveMaxIsAcceptedAsConfigured() {
        RoleProbeConfig config = RoleProbeConfig.builder().backoffMax(Duration.ofMillis(500)).build();

        assertThat(config.backoffLocalMax()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.backoffMax()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void nonPositiveDurationsAreRejected() {
        assertThatThrownBy(() -> RoleProbeConfig.builder().stsTimeout(Duration.ZERO).build())
                .hasMessageContaining("role-probe.sts-timeout");
        assertThatThrownBy(() -> RoleProbeConfig.builder().livenessGrace(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("role-probe.liveness-grace");
        assertThat(RoleProbeConfig.builder().livenessGrace(Duration.ZERO).build().livenessGrace()).isZero();
    }
}
