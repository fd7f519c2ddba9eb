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
        assertThat(config.refreshInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.maxAge()).isEqualTo(Duration.ofMinutes(15));
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
    void nonPositiveDurationsAreRejected() {
        assertThatThrownBy(() -> RoleProbeConfig.builder().stsTimeout(Duration.ZERO).build())
                .hasMessageContaining("role-probe.sts-timeout");
        assertThatThrownBy(() -> RoleProbeConfig.builder().livenessGrace(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("role-probe.liveness-grace");
        assertThat(RoleProbeConfig.builder().livenessGrace(Duration.ZERO).build().livenessGrace()).isZero();
    }
}
