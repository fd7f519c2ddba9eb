package io.github.roleprobe.micronaut;

import java.util.Map;

/** Health details for a process where role-probe is inactive. Stateless. */
final class InactiveDetails {

    /** The value of the {@code state} detail when no verifier runs. */
    static final String STATE = "INACTIVE";

    private InactiveDetails() {
    }

    /**
     * @param reason why role-probe is inactive, one line
     * @return an immutable map with {@code state} ({@value #STATE}) and {@code reason}
     */
    static Map<String, Object> of(String reason) {
        return Map.of("state", STATE, "reason", reason);
    }
}
