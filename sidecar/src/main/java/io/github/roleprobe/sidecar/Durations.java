package io.github.roleprobe.sidecar;

import io.github.roleprobe.config.InvalidSettingException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a duration setting the way the Micronaut starter accepts it (README, Configuration): a whole number and a
 * unit ({@code ns}, {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}, in lowercase) or ISO-8601 such as
 * {@code PT30S}. A plain number is rejected: it has no unit. Stateless.
 */
final class Durations {

    private static final Pattern WITH_UNIT = Pattern.compile("(\\d+)(ns|ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * @param setting the setting's key, named by the error
     * @param text the configured text, surrounding spaces ignored
     * @param example a correct value, shown by the error
     * @return the duration (range checks are core's, in {@code RoleProbeConfig})
     * @throws InvalidSettingException when {@code text} is no duration
     */
    static Duration parse(String setting, String text, String example) {
        String v = text.strip();
        Matcher m = WITH_UNIT.matcher(v);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ns" -> Duration.ofNanos(n);
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            return Duration.parse(v);
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new InvalidSettingException(setting, text, "It must be a duration: a whole number and a unit (ns, ms,"
                    + " s, m, h or d, in lowercase), such as 500ms, 30s or 5m, or ISO-8601, such as PT30S.", example);
        }
    }
}
