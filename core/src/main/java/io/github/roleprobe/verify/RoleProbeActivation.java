package io.github.roleprobe.verify;

import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.environment.PodEnvironment;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The decision, taken once at startup, whether role-probe verifies anything in this process.
 *
 * <p>Active when there is a role to verify (configured, or the IRSA role of {@code AWS_ROLE_ARN}) or when the
 * process runs in Kubernetes ({@code KUBERNETES_SERVICE_HOST} set): inside Kubernetes a missing role is a
 * misconfiguration that the verifier reports. Outside Kubernetes with no role (a laptop, a CI job) role-probe is
 * inactive: no verifier runs and the health indicators report UP with the reason.
 *
 * <p>Both framework starters take this decision the same way. Immutable and thread-safe.
 */
public final class RoleProbeActivation {

    /** The value of the {@code state} health detail when no verifier runs: {@value}. */
    public static final String INACTIVE_STATE = "INACTIVE";

    private final RoleProbeConfig config;
    private final PodEnvironment environment;
    private final ExpectedRoles expectedRoles;
    private final boolean active;

    private RoleProbeActivation(RoleProbeConfig config, PodEnvironment environment) {
        this.config = Objects.requireNonNull(config, "config");
        this.environment = Objects.requireNonNull(environment, "environment");
        this.expectedRoles = ExpectedRoles.resolve(config, environment);
        this.active = expectedRoles.activeIn(environment);
    }

    /**
     * Decides.
     *
     * @param config the validated configuration
     * @param environment the pod environment to judge by
     * @return the decision
     * @throws io.github.roleprobe.config.InvalidSettingException naming {@code AWS_ROLE_ARN} when no role is
     *     configured and that variable holds a malformed ARN
     */
    public static RoleProbeActivation decide(RoleProbeConfig config, PodEnvironment environment) {
        return new RoleProbeActivation(config, environment);
    }

    /** @return {@code true} when a verifier runs in this process */
    public boolean active() {
        return active;
    }

    /**
     * @return why role-probe is inactive, one line; empty when it is active
     */
    public Optional<String> inactiveReason() {
        if (active) {
            return Optional.empty();
        }
        return Optional.of("role-probe is inactive: not running in Kubernetes (KUBERNETES_SERVICE_HOST is unset)"
                + " and no expected role (" + RoleProbeConfig.ROLE_ARNS + " is not set and AWS_ROLE_ARN is absent)."
                + " Set " + RoleProbeConfig.ROLE_ARNS + " to verify the identity here too.");
    }

    /**
     * Health details for a process where role-probe is inactive.
     *
     * @return an immutable map with {@code state} ({@value #INACTIVE_STATE}) and {@code reason}; empty when active
     */
    public Map<String, Object> inactiveDetails() {
        return inactiveReason().<Map<String, Object>>map(r -> Map.of("state", INACTIVE_STATE, "reason", r))
                .orElse(Map.of());
    }

    /** @return the validated configuration */
    public RoleProbeConfig config() {
        return config;
    }

    /** @return the pod environment the decision was taken with */
    public PodEnvironment environment() {
        return environment;
    }

    /** @return the expected roles, possibly none */
    public ExpectedRoles expectedRoles() {
        return expectedRoles;
    }
}
