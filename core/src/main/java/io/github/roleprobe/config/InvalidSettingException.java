package io.github.roleprobe.config;

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
