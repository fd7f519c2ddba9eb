package io.github.roleprobe.spring;

import io.github.roleprobe.config.InvalidSettingException;
import io.github.roleprobe.config.RoleProbeConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Binds the {@code role-probe.*} settings: the same keys and defaults as every other role-probe integration.
 * Values are kept as configured; they are validated, with the same rules and messages everywhere, when
 * {@link #toRoleProbeConfig()} hands them to core's {@link RoleProbeConfig.Builder}.
 *
 * <pre>
 * role-probe:
 *   enabled: true                  # default true
 *   role-arns: arn:aws:iam::111122223333:role/orders
 *   region: eu-west-1              # default: the SDK region provider chain
 *   sts-endpoint: https://sts.eu-west-1.amazonaws.com
 *   backoff:
 *     initial: 200ms
 *     local-max: 1s                # after an attempt that had no request to send to STS
 *     max: 5s                      # after an attempt that did
 *     persistent-max: 5m           # failures that send to STS and persist
 *   refresh-interval: 1m
 *   max-age: 20m
 *   liveness-grace: 60s
 *   sts-timeout: 5s
 *   guard:                         # what the application's own AWS SDK clients sign their requests with
 *     mode: observe                # observe (default), enforce or off
 *     allowed-role-arns: arn:aws:iam::444455556666:role/reports-reader
 *     identifications-per-hour: 20
 * </pre>
 *
 * <p>In environment variables, Spring Boot's relaxed binding drops the dashes: {@code ROLEPROBE_ROLEARNS},
 * {@code ROLEPROBE_LIVENESSGRACE}, {@code ROLEPROBE_GUARD_MODE}, {@code ROLEPROBE_GUARD_ALLOWEDROLEARNS},
 * {@code ROLEPROBE_GUARD_IDENTIFICATIONSPERHOUR}; its legacy form with each dash an underscore, the one Micronaut reads
 * ({@code ROLE_PROBE_ROLE_ARNS}, {@code ROLE_PROBE_GUARD_MODE}), binds too. Durations take Spring Boot's duration syntax ({@code 200ms}, {@code 5s},
 * {@code 1m}, ISO-8601 {@code PT5S}; a plain number is milliseconds).
 *
 * <p>Mutable while Spring Boot binds it, then only read: not thread-safe for writes.
 */
@ConfigurationProperties(RoleProbeProperties.PREFIX)
public class RoleProbeProperties {

    /** The prefix of every setting: {@value}. */
    public static final String PREFIX = RoleProbeConfig.PREFIX;
    /** The setting that switches role-probe off: {@value}. */
    public static final String ENABLED = PREFIX + ".enabled";

    /**
     * Whether role-probe is enabled. When false, no verifier runs, the application's readiness is left alone
     * and no health indicator exists.
     */
    private boolean enabled = true;

    /**
     * IAM roles the application's credentials must belong to, for example
     * arn:aws:iam::111122223333:role/orders. When empty, the IRSA role of AWS_ROLE_ARN is expected, if any.
     */
    private List<String> roleArns = new ArrayList<>();

    /**
     * Region whose regional STS endpoint is called, for example eu-west-1. When unset, the AWS SDK region
     * provider chain decides (aws.region, AWS_REGION, profile, IMDS).
     */
    private String region;

    /**
     * STS endpoint override, for example a VPC endpoint https://sts.eu-west-1.amazonaws.com. When unset, the
     * SDK's regional endpoint is used, honouring AWS_ENDPOINT_URL_STS.
     */
    private String stsEndpoint;

    /**
     * Once verified, how often credentials are re-resolved. STS is called again only when the access key id
     * changed or the confirmation is older than max-age.
     */
    private Duration refreshInterval = RoleProbeConfig.DEFAULT_REFRESH_INTERVAL;

    /**
     * Age after which an STS confirmation is renewed even for unchanged credentials; a new access key is
     * confirmed at once anyway. The default keeps a pod under 100 STS calls a day even with IRSA's new key
     * every 55 minutes.
     */
    private Duration maxAge = RoleProbeConfig.DEFAULT_MAX_AGE;

    /**
     * How long a wrong identity that a container restart can fix (the node role while EKS Pod Identity or IRSA
     * environment is present) may last before the liveness state goes BROKEN.
     */
    private Duration livenessGrace = RoleProbeConfig.DEFAULT_LIVENESS_GRACE;

    /** Timeout of one STS GetCallerIdentity call, connection included. */
    private Duration stsTimeout = RoleProbeConfig.DEFAULT_STS_TIMEOUT;

    /** Retry backoff while the identity is not verified. */
    private final Backoff backoff = new Backoff();

    /** What the request guard does with the requests that the application's own AWS SDK clients sign. */
    private final Guard guard = new Guard();

    /** Self-eviction of a pod that stays NOT_INJECTED (needs role-probe-heal on the class path). */
    private final Heal heal = new Heal();

    /** @return whether role-probe is enabled */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled {@code false} to switch role-probe off */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return the expected IAM role ARNs as configured, possibly empty; never {@code null} */
    public List<String> getRoleArns() {
        return roleArns;
    }

    /** @param roleArns the expected role ARNs; {@code null} means none. Validated by {@link #toRoleProbeConfig()}. */
    public void setRoleArns(List<String> roleArns) {
        this.roleArns = roleArns != null ? new ArrayList<>(roleArns) : new ArrayList<>();
    }

    /** @return the STS region as configured, or {@code null} for the SDK region provider chain */
    public String getRegion() {
        return region;
    }

    /** @param region a region name such as {@code eu-west-1}, or {@code null} */
    public void setRegion(String region) {
        this.region = region;
    }

    /** @return the STS endpoint override as configured, or {@code null} */
    public String getStsEndpoint() {
        return stsEndpoint;
    }

    /** @param stsEndpoint an absolute http(s) URI, or {@code null} */
    public void setStsEndpoint(String stsEndpoint) {
        this.stsEndpoint = stsEndpoint;
    }

    /** @return how often credentials are re-resolved once verified */
    public Duration getRefreshInterval() {
        return refreshInterval;
    }

    /** @param refreshInterval a positive duration, for example {@code 1m} */
    public void setRefreshInterval(Duration refreshInterval) {
        this.refreshInterval = refreshInterval;
    }

    /** @return how old an STS confirmation may get before it is renewed */
    public Duration getMaxAge() {
        return maxAge;
    }

    /** @param maxAge a positive duration, for example {@code 20m} */
    public void setMaxAge(Duration maxAge) {
        this.maxAge = maxAge;
    }

    /** @return how long a restart-fixable wrong identity may last before liveness fails */
    public Duration getLivenessGrace() {
        return livenessGrace;
    }

    /** @param livenessGrace zero or a positive duration, for example {@code 60s} */
    public void setLivenessGrace(Duration livenessGrace) {
        this.livenessGrace = livenessGrace;
    }

    /** @return the timeout of one STS call */
    public Duration getStsTimeout() {
        return stsTimeout;
    }

    /** @param stsTimeout a positive duration, for example {@code 5s} */
    public void setStsTimeout(Duration stsTimeout) {
        this.stsTimeout = stsTimeout;
    }

    /** @return the retry backoff settings ({@code role-probe.backoff.*}); never {@code null} */
    public Backoff getBackoff() {
        return backoff;
    }

    /** @return the request guard settings ({@code role-probe.guard.*}); never {@code null} */
    public Guard getGuard() {
        return guard;
    }

    /** @return the self-eviction settings ({@code role-probe.heal.*}); never {@code null} */
    public Heal getHeal() {
        return heal;
    }

    /**
     * Validates the settings and converts them to core's configuration.
     *
     * @return the validated configuration; a new instance on each call
     * @throws InvalidSettingException when a value is unusable; the message names the setting (for example
     *     {@code role-probe.role-arns}), the rejected value and a correct example. Left to propagate so that
     *     the application fails to start with that message.
     */
    public RoleProbeConfig toRoleProbeConfig() {
        return RoleProbeConfig.builder()
                .roleArns(roleArns)
                .region(region)
                .stsEndpoint(stsEndpoint)
                .backoffInitial(backoff.getInitial())
                .backoffMax(backoff.getMax())
                .backoffLocalMax(backoff.getLocalMax())
                .backoffPersistentMax(backoff.getPersistentMax())
                .refreshInterval(refreshInterval)
                .maxAge(maxAge)
                .livenessGrace(livenessGrace)
                .stsTimeout(stsTimeout)
                .guardMode(guard.getMode())
                .guardAllowedRoleArns(guard.getAllowedRoleArns())
                .guardIdentificationsPerHour(guard.getIdentificationsPerHour())
                .build();
    }

    /**
     * Binds {@code role-probe.backoff.*}: exponential backoff with full jitter between attempts while the identity
     * is not verified. Mutable while Spring Boot binds it, then only read.
     */
    public static class Backoff {

        /** First retry delay while not verified; it doubles on each failed attempt, up to max. */
        private Duration initial = RoleProbeConfig.DEFAULT_BACKOFF_INITIAL;

        /**
         * Largest retry delay while not verified, after an attempt that sent a request to STS (GetCallerIdentity,
         * or any attempt under IRSA, whose credential provider calls STS). Must not be shorter than initial.
         */
        private Duration max = RoleProbeConfig.DEFAULT_BACKOFF_MAX;

        /**
         * Largest retry delay while not verified, after an attempt that had no request to send to STS (the node role's key
         * whose identity is already known, or no credentials yet from the SDK default chain in a Pod Identity pod;
         * a failed resolution in the application's own provider counts as a request to STS, as that provider may
         * call STS). The smaller of this and max is used.
         */
        private Duration localMax = RoleProbeConfig.DEFAULT_BACKOFF_LOCAL_MAX;

        /**
         * Largest retry delay for failures that send requests to STS and persist: after 12 such failed attempts since
         * the last confirmation (at once after STS answered Throttling) the ceiling doubles from max up to this, and
         * the wait is drawn from the upper half of the ceiling, so a pod that never succeeds makes at most 40
         * attempts in its first hour (28 when STS throttles from the start) and 24 an hour after that. Must not be shorter than max.
         */
        private Duration persistentMax = RoleProbeConfig.DEFAULT_BACKOFF_PERSISTENT_MAX;

        /** @return the first retry delay ceiling */
        public Duration getInitial() {
            return initial;
        }

        /** @param initial a positive duration, for example {@code 200ms} */
        public void setInitial(Duration initial) {
            this.initial = initial;
        }

        /** @return the largest retry delay ceiling after an attempt that sent a request to STS */
        public Duration getMax() {
            return max;
        }

        /** @param max a positive duration not shorter than {@code initial}, for example {@code 5s} */
        public void setMax(Duration max) {
            this.max = max;
        }

        /** @return the largest retry delay ceiling after an attempt that had no request to send to STS, as configured */
        public Duration getLocalMax() {
            return localMax;
        }

        /**
         * @param localMax a positive duration, for example {@code 1s}; {@code max} caps it when shorter
         */
        public void setLocalMax(Duration localMax) {
            this.localMax = localMax;
        }

        /** @return the largest retry delay ceiling for failures that send requests to STS and persist */
        public Duration getPersistentMax() {
            return persistentMax;
        }

        /** @param persistentMax a positive duration not shorter than {@code max}, for example {@code 5m} */
        public void setPersistentMax(Duration persistentMax) {
            this.persistentMax = persistentMax;
        }
    }

    /**
     * Binds {@code role-probe.guard.*}: what role-probe's request guard does with the requests that the application's
     * own AWS SDK clients sign (core's {@code io.github.roleprobe.guard.RequestGuard}). Values are kept as configured
     * and validated by {@link RoleProbeProperties#toRoleProbeConfig()}, so that a bad value fails with core's message.
     * Mutable while Spring Boot binds it, then only read.
     */
    public static class Guard {

        /**
         * What the request guard does with the requests the application's AWS SDK clients send: observe shows each
         * client in the health details and keeps readiness down (WRONG_IDENTITY) while a client signs with the node
         * role or another identity than an expected or allowed role; enforce does the same and also fails such a
         * request with an SdkClientException before it is sent; off observes nothing.
         */
        private String mode = RoleProbeConfig.DEFAULT_GUARD_MODE.configValue();

        /**
         * Roles that application requests may be signed with on purpose besides the expected roles (a client with its
         * own cross-account assume-role provider), for example arn:aws:iam::444455556666:role/reports-reader. Such
         * requests are shown as allowed, sent in enforce mode, and never taken for the pod's identity.
         */
        private List<String> allowedRoleArns = new ArrayList<>();

        /**
         * Most STS GetCallerIdentity calls per hour that the request guard makes to identify access keys seen in
         * application requests that no verification attempt identified (a token bucket, full at start). Past it, a
         * new key stays unidentified until a token is back, and in enforce mode its requests are refused meanwhile.
         * 0 turns such identification off.
         */
        private int identificationsPerHour = RoleProbeConfig.DEFAULT_GUARD_IDENTIFICATIONS_PER_HOUR;

        /** @return the mode as configured */
        public String getMode() {
            return mode;
        }

        /**
         * @param mode {@code observe}, {@code enforce} or {@code off}, in any case. Validated by
         *     {@link RoleProbeProperties#toRoleProbeConfig()}.
         */
        public void setMode(String mode) {
            this.mode = mode;
        }

        /** @return the allowed role ARNs as configured, possibly empty; never {@code null} */
        public List<String> getAllowedRoleArns() {
            return allowedRoleArns;
        }

        /**
         * @param allowedRoleArns IAM role ARNs; {@code null} means none. Validated by
         *     {@link RoleProbeProperties#toRoleProbeConfig()}.
         */
        public void setAllowedRoleArns(List<String> allowedRoleArns) {
            this.allowedRoleArns = allowedRoleArns != null ? new ArrayList<>(allowedRoleArns) : new ArrayList<>();
        }

        /** @return the most STS calls per hour the request guard makes to identify new access keys */
        public int getIdentificationsPerHour() {
            return identificationsPerHour;
        }

        /**
         * @param identificationsPerHour zero or positive. Validated by
         *     {@link RoleProbeProperties#toRoleProbeConfig()}.
         */
        public void setIdentificationsPerHour(int identificationsPerHour) {
            this.identificationsPerHour = identificationsPerHour;
        }
    }
    /**
     * Binds {@code role-probe.heal.*}: the opt-in self-eviction of a pod that stays NOT_INJECTED (role-probe-heal's
     * {@code io.github.roleprobe.heal.SelfEviction}). Validated by {@link RoleProbeHealAutoConfiguration} with core's
     * message when self-eviction is on. Mutable while Spring Boot binds it, then only read.
     */
    public static class Heal {

        /**
         * Whether a pod that stays NOT_INJECTED asks the Kubernetes Eviction API (policy/v1, which honours
         * PodDisruptionBudgets) to evict itself, so that its ReplicaSet creates a new pod that the EKS webhook admits
         * again. Needs io.github.roleprobe:role-probe-heal on the class path and the kit's self-eviction RBAC.
         */
        private boolean evictNotInjected;

        /** How long NOT_INJECTED lasts before the pod evicts itself (jittered up to a quarter more). */
        private Duration after = Duration.ofSeconds(30);

        /**
         * At most this many pods of one owner (ReplicaSet) evict themselves within the window, counted by the
         * RoleProbeSelfEviction Events they record; past it a pod stays NOT_INJECTED and its reason says why.
         */
        private int maxEvictions = 3;

        /** The window in which max-evictions self-evictions of one owner are counted. */
        private Duration window = Duration.ofHours(1);

        /** @return whether self-eviction is on */
        public boolean isEvictNotInjected() {
            return evictNotInjected;
        }

        /** @param evictNotInjected whether self-eviction is on */
        public void setEvictNotInjected(boolean evictNotInjected) {
            this.evictNotInjected = evictNotInjected;
        }

        /** @return the delay before the self-eviction */
        public Duration getAfter() {
            return after;
        }

        /** @param after the delay before the self-eviction; validated when self-eviction is on */
        public void setAfter(Duration after) {
            this.after = after;
        }

        /** @return the most self-evictions per owner within the window */
        public int getMaxEvictions() {
            return maxEvictions;
        }

        /** @param maxEvictions the most self-evictions per owner within the window; validated when on */
        public void setMaxEvictions(int maxEvictions) {
            this.maxEvictions = maxEvictions;
        }

        /** @return the window of max-evictions */
        public Duration getWindow() {
            return window;
        }

        /** @param window the window of max-evictions; validated when self-eviction is on */
        public void setWindow(Duration window) {
            this.window = window;
        }
    }
}
