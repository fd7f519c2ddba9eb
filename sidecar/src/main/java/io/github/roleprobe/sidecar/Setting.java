package io.github.roleprobe.sidecar;

import io.github.roleprobe.config.RoleProbeConfig;
import java.util.Locale;

/**
 * The {@code role-probe.*} settings the sidecar takes, each as a command-line flag and as the environment variable the
 * starters document (README, Configuration): the key without {@code role-probe.}, dots as dashes, for the flag
 * ({@code role-probe.backoff.local-max}: {@code --backoff-local-max}), and the whole key in upper case with every dot
 * and dash an underscore for the variable ({@code ROLE_PROBE_BACKOFF_LOCAL_MAX}). A flag wins over its variable.
 *
 * <p>Not taken: {@code role-probe.guard.*} (the sidecar's JVM runs no application client to guard, so the guard is
 * off), {@code role-probe.application-start-timeout} (Micronaut only), {@code role-probe.enabled} and
 * {@code role-probe.metrics.enabled} (a sidecar that is deployed runs, and {@code /metrics} is always served).
 */
enum Setting {
    ROLE_ARNS(RoleProbeConfig.ROLE_ARNS, "ARN[,ARN...]",
            "Expected IAM role ARNs, comma-separated. Empty: IRSA's AWS_ROLE_ARN, if set."),
    REGION(RoleProbeConfig.REGION, "REGION", "Region of the STS regional endpoint, e.g. eu-west-1. Default: the SDK"
            + " region provider chain (AWS_REGION)."),
    STS_ENDPOINT(RoleProbeConfig.STS_ENDPOINT, "URI", "STS endpoint override, e.g. https://sts.eu-west-1.amazonaws.com"
            + " (AWS_ENDPOINT_URL_STS works too)."),
    BACKOFF_INITIAL(RoleProbeConfig.BACKOFF_INITIAL, "DURATION", "First retry delay ceiling (default 200ms)."),
    BACKOFF_MAX(RoleProbeConfig.BACKOFF_MAX, "DURATION",
            "Largest retry delay ceiling after an attempt that sent a request to STS (default 5s)."),
    BACKOFF_LOCAL_MAX(RoleProbeConfig.BACKOFF_LOCAL_MAX, "DURATION",
            "Largest retry delay ceiling after an attempt that had no request to send to STS (default 1s)."),
    BACKOFF_PERSISTENT_MAX(RoleProbeConfig.BACKOFF_PERSISTENT_MAX, "DURATION",
            "Largest retry delay ceiling for persistent failures that send requests to STS (default 5m)."),
    REFRESH_INTERVAL(RoleProbeConfig.REFRESH_INTERVAL, "DURATION",
            "Once verified: how often credentials are re-resolved (default 1m)."),
    MAX_AGE(RoleProbeConfig.MAX_AGE, "DURATION", "Age after which a confirmation is renewed with STS (default 20m)."),
    LIVENESS_GRACE(RoleProbeConfig.LIVENESS_GRACE, "DURATION",
            "How long a restart-fixable wrong identity may last before liveness goes DOWN (default 60s). The"
                    + " sidecar's SDK default chain is built afresh for every attempt, so none of its wrong identities"
                    + " is restart-fixable: /livez stays 200."),
    STS_TIMEOUT(RoleProbeConfig.STS_TIMEOUT, "DURATION", "Timeout of one STS call, connection included (default 5s).");

    private final String key;
    private final String label;
    private final String description;

    Setting(String key, String label, String description) {
        this.key = key;
        this.label = label;
        this.description = description;
    }

    /** @return the setting's key, for example {@code role-probe.backoff.local-max} */
    String key() {
        return key;
    }

    /** @return the flag, for example {@code --backoff-local-max} */
    String flag() {
        return "--" + key.substring(RoleProbeConfig.PREFIX.length() + 1).replace('.', '-');
    }

    /** @return the environment variable, for example {@code ROLE_PROBE_BACKOFF_LOCAL_MAX} */
    String environmentVariable() {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** @return the flag's parameter label in the help */
    String label() {
        return label;
    }

    /** @return one line for the help */
    String description() {
        return description + " Env: " + environmentVariable() + ".";
    }

    /**
     * @param key a setting key
     * @return the setting with that key, or {@code null}
     */
    static Setting byKey(String key) {
        for (Setting s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        return null;
    }
}
