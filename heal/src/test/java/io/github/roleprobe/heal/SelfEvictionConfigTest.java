package io.github.roleprobe.heal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.roleprobe.config.InvalidSettingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfEvictionConfigTest {

    @Test
    void defaultsAreOffAfter30sAtMost3PerOwnerAndHour() {
        SelfEvictionConfig c = SelfEvictionConfig.builder().build();
        assertThat(c.enabled()).isFalse();
        assertThat(c.after()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.maxEvictions()).isEqualTo(3);
        assertThat(c.window()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void badValuesNameSettingValueAndExample() {
        assertThatThrownBy(() -> SelfEvictionConfig.builder().after(Duration.ZERO).build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("Invalid value for 'role-probe.heal.after': '0s'. It must be a positive duration."
                        + " Example: role-probe.heal.after=30s");
        assertThatThrownBy(() -> SelfEvictionConfig.builder().window(Duration.ofSeconds(-1)).build())
                .hasMessage("Invalid value for 'role-probe.heal.window': '-1s'. It must be a positive duration."
                        + " Example: role-probe.heal.window=1h");
        assertThatThrownBy(() -> SelfEvictionConfig.builder().maxEvictions(0).build())
                .hasMessage("Invalid value for 'role-probe.heal.max-evictions': '0'. It must be 1 or more"
                        + " (role-probe.heal.evict-not-injected=false turns self-eviction off)."
                        + " Example: role-probe.heal.max-evictions=3");
    }

    @Test
    void thePodComesFromTheDownwardApiElseHostnameAndTheServiceAccountNamespaceFile(@TempDir Path dir) throws Exception {
        Path ns = dir.resolve("namespace");
        Files.writeString(ns, "orders");
        assertThat(PodReference.fromEnvironment(Map.of("POD_NAME", "orders-1", "POD_NAMESPACE", "shop",
                "HOSTNAME", "other"), ns)).contains(new PodReference("shop", "orders-1"));
        assertThat(PodReference.fromEnvironment(Map.of("HOSTNAME", "orders-2"), ns))
                .contains(new PodReference("orders", "orders-2"));
        assertThat(PodReference.fromEnvironment(Map.of("HOSTNAME", "orders-2"), dir.resolve("missing"))).isEmpty();
        assertThat(PodReference.fromEnvironment(Map.of(), ns)).isEmpty();
    }
}
