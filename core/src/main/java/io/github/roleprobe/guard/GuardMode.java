package io.github.roleprobe.guard;

import io.github.roleprobe.config.InvalidSettingException;
import java.util.Locale;

/**
 * What role-probe's request guard does with the requests the application's AWS SDK clients send
 * ({@code role-probe.guard.mode}).
 */
public enum GuardMode {
    /**
     * The default: every signed request is observed, never touched. A request signed with the node role or
     * another identity than an expected (or allowed) role makes the verifier's state {@code WRONG_IDENTITY}.
     */
    OBSERVE,
    /**
     * As {@link #OBSERVE}, and a request signed with an identity that is not confirmed as an expected or allowed
     * role fails before it is sent, with an {@code SdkClientException}. A request signed with an access key not
     * identified yet waits for that one identification, at most {@code role-probe.sts-timeout}.
     */
    ENFORCE,
    /** No request is observed. */
    OFF;

    /**
     * Parses a configured mode.
     *
     * @param setting the setting name, for the error message
     * @param value {@code observe}, {@code enforce} or {@code off}, in any case; surrounding spaces are ignored
     * @return the mode
     * @throws InvalidSettingException when {@code value} is none of these
     */
    public static GuardMode parse(String setting, String value) {
        String v = value == null ? "" : value.strip().toUpperCase(Locale.ROOT);
        for (GuardMode mode : values()) {
            if (mode.name().equals(v)) {
                return mode;
            }
        }
        throw new InvalidSettingException(setting, value, "Expected observe, enforce or off.", "observe");
    }

    /** @return the lower-case name, as configured */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
