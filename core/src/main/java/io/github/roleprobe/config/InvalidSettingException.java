package io.github.roleprobe.config;

import java.time.Duration;

/**
 * Thrown at configuration time when a {@code role-probe.*} setting holds a value that cannot be used.
 *
 * <p>The message always names the setting, the rejected value and a correct example, so that an
 * application that fails to start tells its operator exactly what to change. The rejected value is a
 * configuration value (an ARN, a duration, a URI): it never holds a secret.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class InvalidSettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String setting;
    private final String value;
    private final String example;

    /**
     * Creates the exception.
     *
     * @param setting the full setting name, for example {@code role-probe.role-arns}
     * @param value the rejected value as configured (may be {@code null} when the setting is missing)
     * @param problem what is wrong with the value, one short sentence
     * @param example a correct value for the same setting
     */
    public InvalidSettingException(String setting, String value, String problem, String example) {
        super("Invalid value for '" + setting + "': '" + value + "'. " + problem
                + " Example: " + setting + "=" + example);
        this.setting = setting;
        this.value = value;
        this.example = example;
    }

    /**
     * Checks a duration setting that may be zero but not negative, for settings that a framework starter adds on
     * top of {@link RoleProbeConfig} and validates with the same kind of message.
     *
     * @param setting the full setting name, for example {@code role-probe.application-start-timeout}
     * @param value the configured duration; {@code null} counts as invalid
     * @param example a correct value, for example {@code 30s}
     * @return {@code value}
     * @throws InvalidSettingException when {@code value} is {@code null} or negative; the message shows the value
     *     as configured ({@code -1s}, {@code 250ms})
     */
    public static Duration requireNonNegative(String setting, Duration value, String example) {
        if (value == null || value.isNegative()) {
            throw new InvalidSettingException(setting, value == null ? null : format(value), "It must not be negative.",
                    example);
        }
        return value;
    }

    /**
     * Checks a duration setting that must be positive, for settings that another module adds on top of
     * {@link RoleProbeConfig} (role-probe-heal's {@code role-probe.heal.*}) and validates with the same message.
     *
     * @param setting the full setting name, for example {@code role-probe.heal.after}
     * @param value the configured duration, not {@code null}
     * @param example a correct value, for example {@code 30s}
     * @return {@code value}
     * @throws InvalidSettingException when {@code value} is zero or negative
     * @throws NullPointerException when {@code value} is {@code null}
     */
    public static Duration requirePositive(String setting, Duration value, String example) {
        java.util.Objects.requireNonNull(value, setting);
        if (value.isNegative() || value.isZero()) {
            throw new InvalidSettingException(setting, format(value), "It must be a positive duration.", example);
        }
        return value;
    }

    /**
     * Shows a duration the way it is configured, for the value or the example of a message: whole seconds in
     * seconds, anything else in milliseconds (sub-millisecond parts are dropped).
     *
     * @param value the duration, not {@code null}
     * @return for example {@code 5s}, {@code 60s} (one minute), {@code 250ms}, {@code -1s}
     */
    public static String format(Duration value) {
        long millis = value.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /**
     * Returns the full name of the rejected setting.
     *
     * @return the setting name, for example {@code role-probe.role-arns}
     */
    public String setting() {
        return setting;
    }

    /**
     * Returns the rejected value as it was configured.
     *
     * @return the value, or {@code null} when the setting was missing
     */
    public String value() {
        return value;
    }

    /**
     * Returns a correct example value for the setting.
     *
     * @return the example value
     */
    public String example() {
        return example;
    }
}
