package io.github.roleprobe.sidecar;

import io.github.roleprobe.config.InvalidSettingException;
import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.guard.GuardMode;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.BiConsumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The {@link Setting}s as flags of a command, and their values (flag, else environment variable) turned into core's
 * {@link RoleProbeConfig}, validated by core with core's messages. Not thread-safe; one per command run.
 */
final class SidecarSettings {

    private final CommandSpec spec;
    private final Map<String, String> environment;

    private SidecarSettings(CommandSpec spec, Map<String, String> environment) {
        this.spec = spec;
        this.environment = environment;
    }

    /**
     * Adds a flag for every {@link Setting} to {@code spec}.
     *
     * @param spec a command's spec
     * @param environment the process environment, read by {@link #toConfig()}
     * @return the settings of that command
     */
    static SidecarSettings addTo(CommandSpec spec, Map<String, String> environment) {
        for (Setting s : Setting.values()) {
            spec.addOption(OptionSpec.builder(s.flag()).type(String.class).paramLabel(s.label())
                    .description(s.description()).build());
        }
        return new SidecarSettings(spec, environment);
    }

    /**
     * Builds the configuration from the flags given and, for the others, the environment variables set; every other
     * setting keeps core's default. The request guard is off: the sidecar's JVM runs no application client.
     *
     * @return the validated configuration
     * @throws InvalidSettingException with core's message (setting, value, example) followed by where the value came
     *     from ({@code --region} or the environment variable {@code ROLE_PROBE_REGION})
     */
    RoleProbeConfig toConfig() {
        RoleProbeConfig.Builder b = RoleProbeConfig.builder().guardMode(GuardMode.OFF);
        Map<Setting, String> origin = new EnumMap<>(Setting.class);
        try {
            apply(Setting.ROLE_ARNS, origin, (key, v) -> b.roleArns(Arrays.asList(v.split(",", -1))));
            apply(Setting.REGION, origin, (key, v) -> b.region(v));
            apply(Setting.STS_ENDPOINT, origin, (key, v) -> b.stsEndpoint(v));
            duration(Setting.BACKOFF_INITIAL, origin, RoleProbeConfig.DEFAULT_BACKOFF_INITIAL, b::backoffInitial);
            duration(Setting.BACKOFF_MAX, origin, RoleProbeConfig.DEFAULT_BACKOFF_MAX, b::backoffMax);
            duration(Setting.BACKOFF_LOCAL_MAX, origin, RoleProbeConfig.DEFAULT_BACKOFF_LOCAL_MAX, b::backoffLocalMax);
            duration(Setting.BACKOFF_PERSISTENT_MAX, origin, RoleProbeConfig.DEFAULT_BACKOFF_PERSISTENT_MAX,
                    b::backoffPersistentMax);
            duration(Setting.REFRESH_INTERVAL, origin, RoleProbeConfig.DEFAULT_REFRESH_INTERVAL, b::refreshInterval);
            duration(Setting.MAX_AGE, origin, RoleProbeConfig.DEFAULT_MAX_AGE, b::maxAge);
            duration(Setting.LIVENESS_GRACE, origin, RoleProbeConfig.DEFAULT_LIVENESS_GRACE, b::livenessGrace);
            duration(Setting.STS_TIMEOUT, origin, RoleProbeConfig.DEFAULT_STS_TIMEOUT, b::stsTimeout);
            return b.build();
        } catch (InvalidSettingException e) {
            Setting s = Setting.byKey(e.setting());
            String from = s == null || origin.get(s) == null ? "" : " Set by " + origin.get(s) + ".";
            throw new InvalidSettingException(e.setting(), e.value(), stripPrefix(e) + from, e.example());
        }
    }

    /** Core's problem sentence: the message without its "Invalid value ..." head and "Example: ..." tail. */
    private static String stripPrefix(InvalidSettingException e) {
        String m = e.getMessage();
        String head = "Invalid value for '" + e.setting() + "': '" + e.value() + "'. ";
        String tail = " Example: " + e.setting() + "=" + e.example();
        String problem = m.startsWith(head) ? m.substring(head.length()) : m;
        return problem.endsWith(tail) ? problem.substring(0, problem.length() - tail.length()) : problem;
    }

    private void duration(Setting s, Map<Setting, String> origin, Duration fallback,
                          java.util.function.Consumer<Duration> to) {
        apply(s, origin, (key, v) -> to.accept(Durations.parse(key, v, InvalidSettingException.format(fallback))));
    }

    private void apply(Setting s, Map<Setting, String> origin, BiConsumer<String, String> to) {
        OptionSpec option = spec.findOption(s.flag());
        String value = option.getValue();
        if (value != null) {
            origin.put(s, s.flag());
        } else {
            value = environment.get(s.environmentVariable());
            if (value == null) {
                return;
            }
            origin.put(s, "the environment variable " + s.environmentVariable());
        }
        to.accept(s.key(), value);
    }
}
