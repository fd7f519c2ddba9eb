package io.github.roleprobe.micronaut;

import io.github.roleprobe.config.InvalidSettingException;
import io.github.roleprobe.config.RoleProbeConfig;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.env.Environment;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.util.Toggleable;
import io.micronaut.runtime.EmbeddedApplication;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Binds the {@code role-probe.*} settings. Values are kept as configured; they are validated, with the same
 * rules and messages as every other role-probe integration, when {@link #toRoleProbeConfig()} hands them to
 * core's {@link RoleProbeConfig.Builder}.
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
 *   application-start-timeout: 30s # Micronaut only: see setApplicationStartTimeout
 *   guard:                         # what the application's own AWS SDK clients sign their requests with
 *     mode: observe                # observe (default), enforce or off
 *     allowed-role-arns: arn:aws:iam::444455556666:role/reports-reader
 *     identifications-per-hour: 20
 * </pre>
 *
 * <p>As environment variables Micronaut maps {@code ROLE_PROBE_ROLE_ARNS} to {@code role-probe.role-arns} and
 * {@code ROLE_PROBE_GUARD_MODE} to {@code role-probe.guard.mode} (each underscore may stand for a dot or a dash);
 * Spring Boot's dash-less form ({@code ROLEPROBE_GUARD_MODE}) does not bind here.
 *
 * <p>A value Micronaut cannot convert to a setting's type ({@code role-probe.refresh-interval=10}, without a unit;
 * {@code role-probe.guard.identifications-per-hour=abc}; {@code role-probe.enabled} other than {@code true} or
 * {@code false}) fails startup with core's {@link InvalidSettingException} too, naming the setting, the value, the
 * accepted form and the default as the example: Micronaut's constructors of this class and of its nested classes
 * check every typed setting before any is bound.
 *
 * <p>Mutable while Micronaut binds it, then only read: not thread-safe for writes.
 */
@ConfigurationProperties(RoleProbeConfiguration.PREFIX)
@Introspected
public class RoleProbeConfiguration implements Toggleable {

    /** The prefix of every setting: {@value}. */
    public static final String PREFIX = RoleProbeConfig.PREFIX;
    /** The setting that switches role-probe off: {@value}. */
    public static final String ENABLED = PREFIX + ".enabled";
    /** Default of {@code role-probe.enabled}: {@value}. */
    public static final boolean DEFAULT_ENABLED = true;
    /** Default of {@code role-probe.refresh-interval}: 1 minute. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = RoleProbeConfig.DEFAULT_REFRESH_INTERVAL;
    /**
     * Default of {@code role-probe.max-age}: 20 minutes, so that a pod stays under 100 STS calls a day even
     * with IRSA's new key every 55 minutes (see {@link RoleProbeConfig#DEFAULT_MAX_AGE}).
     */
    public static final Duration DEFAULT_MAX_AGE = RoleProbeConfig.DEFAULT_MAX_AGE;
    /** Default of {@code role-probe.liveness-grace}: 60 seconds. */
    public static final Duration DEFAULT_LIVENESS_GRACE = RoleProbeConfig.DEFAULT_LIVENESS_GRACE;
    /** Default of {@code role-probe.sts-timeout}: 5 seconds. */
    public static final Duration DEFAULT_STS_TIMEOUT = RoleProbeConfig.DEFAULT_STS_TIMEOUT;
    /** The setting that bounds the wait for the application's start: {@value}. */
    public static final String APPLICATION_START_TIMEOUT = PREFIX + ".application-start-timeout";
    /** Default of {@code role-probe.application-start-timeout}: 30 seconds. */
    public static final Duration DEFAULT_APPLICATION_START_TIMEOUT = Duration.ofSeconds(30);

    private boolean enabled = DEFAULT_ENABLED;
    private List<String> roleArns = new ArrayList<>();
    private String region;
    private String stsEndpoint;
    private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
    private Duration maxAge = DEFAULT_MAX_AGE;
    private Duration livenessGrace = DEFAULT_LIVENESS_GRACE;
    private Duration stsTimeout = DEFAULT_STS_TIMEOUT;
    private Duration applicationStartTimeout = DEFAULT_APPLICATION_START_TIMEOUT;
    private BackoffConfiguration backoff = new BackoffConfiguration();
    private GuardConfiguration guard = new GuardConfiguration();
    private HealConfiguration heal = new HealConfiguration();

    /** Creates the settings with their defaults, for use outside Micronaut; checks nothing. */
    public RoleProbeConfiguration() {
    }

    /**
     * Micronaut's constructor: checks that every typed {@code role-probe.*} value converts before any is bound.
     *
     * @param environment the application's environment
     * @throws InvalidSettingException when a value does not convert (see {@link SettingsConversionCheck#check})
     */
    @Inject
    RoleProbeConfiguration(Environment environment) {
        SettingsConversionCheck.check(environment);
    }

    /**
     * @return whether role-probe is enabled; when {@code false} no verifier and no health indicator exist
     */
    @Override
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Sets whether role-probe is enabled. Default value ({@value #DEFAULT_ENABLED}).
     *
     * @param enabled {@code false} to remove the verifier and both health indicators
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return the expected IAM role ARNs as configured, possibly empty; never {@code null} */
    public List<String> getRoleArns() {
        return roleArns;
    }

    /**
     * Sets the IAM roles the application's credentials must belong to, for example
     * {@code arn:aws:iam::111122223333:role/orders}. Default: none, in which case the IRSA role of
     * {@code AWS_ROLE_ARN} is expected, if any.
     *
     * @param roleArns the role ARNs; {@code null} means none. Validated by {@link #toRoleProbeConfig()}.
     */
    public void setRoleArns(List<String> roleArns) {
        this.roleArns = roleArns != null ? new ArrayList<>(roleArns) : new ArrayList<>();
    }

    /** @return the STS region as configured, or {@code null} for the SDK region provider chain */
    public String getRegion() {
        return region;
    }

    /**
     * Sets the region whose regional STS endpoint is called, for example {@code eu-west-1}. Default: the SDK
     * region provider chain ({@code aws.region}, {@code AWS_REGION}, profile, IMDS).
     *
     * @param region the region name, or {@code null}
     */
    public void setRegion(String region) {
        this.region = region;
    }

    /** @return the STS endpoint override as configured, or {@code null} */
    public String getStsEndpoint() {
        return stsEndpoint;
    }

    /**
     * Sets an STS endpoint override, for example a VPC endpoint {@code https://sts.eu-west-1.amazonaws.com}.
     * Default: none (the SDK's regional endpoint, honouring {@code AWS_ENDPOINT_URL_STS}).
     *
     * @param stsEndpoint an absolute http(s) URI, or {@code null}
     */
    public void setStsEndpoint(String stsEndpoint) {
        this.stsEndpoint = stsEndpoint;
    }

    /** @return how often credentials are re-resolved once verified */
    public Duration getRefreshInterval() {
        return refreshInterval;
    }

    /**
     * Sets how often credentials are re-resolved once verified; STS is called again only when the access
     * key changed or the confirmation is older than {@code max-age}. Default value: 1 minute.
     *
     * @param refreshInterval a positive duration, for example {@code 1m}
     */
    public void setRefreshInterval(Duration refreshInterval) {
        this.refreshInterval = refreshInterval;
    }

    /** @return how old an STS confirmation may get before it is renewed */
    public Duration getMaxAge() {
        return maxAge;
    }

    /**
     * Sets how old an STS confirmation may get before STS is asked again for the same access key; a new key is
     * confirmed at once anyway. Default value: 20 minutes.
     *
     * @param maxAge a positive duration, for example {@code 20m}
     */
    public void setMaxAge(Duration maxAge) {
        this.maxAge = maxAge;
    }

    /** @return how long a restart-fixable wrong identity may last before liveness goes DOWN */
    public Duration getLivenessGrace() {
        return livenessGrace;
    }

    /**
     * Sets how long a wrong identity that a container restart can fix (the node role while Pod Identity or
     * IRSA environment is present) may last before {@code /health/liveness} goes DOWN. Default value: 60 seconds.
     *
     * @param livenessGrace zero or a positive duration, for example {@code 60s}
     */
    public void setLivenessGrace(Duration livenessGrace) {
        this.livenessGrace = livenessGrace;
    }

    /** @return the timeout of one STS call */
    public Duration getStsTimeout() {
        return stsTimeout;
    }

    /**
     * Sets the timeout of one STS {@code GetCallerIdentity} call, connection included. Default value: 5 seconds.
     *
     * @param stsTimeout a positive duration, for example {@code 5s}
     */
    public void setStsTimeout(Duration stsTimeout) {
        this.stsTimeout = stsTimeout;
    }

    /** @return how long the verifier waits for the application to report that it started, at most */
    public Duration getApplicationStartTimeout() {
        return applicationStartTimeout;
    }

    /**
     * Sets how long, once the application context has started, the verifier waits at most for the application
     * to report that it started (the {@code ApplicationStartupEvent} of its {@link EmbeddedApplication}, for
     * example the HTTP server's {@code ServerStartupEvent}) before it starts verifying anyway. It starts at that
     * event normally, and at once when the context has no {@link EmbeddedApplication}; this bound only matters
     * when an {@link EmbeddedApplication} bean exists but is never started (a test that uses the context without
     * its server) or does not publish the event. {@code 0s} starts verifying as soon as the context has started.
     * Micronaut only. Default value: 30 seconds.
     *
     * @param applicationStartTimeout zero or a positive duration, for example {@code 30s}. Validated by
     *     {@link #toRoleProbeConfig()}.
     */
    public void setApplicationStartTimeout(Duration applicationStartTimeout) {
        this.applicationStartTimeout = applicationStartTimeout;
    }

    /** @return the retry backoff settings ({@code role-probe.backoff.*}); never {@code null} */
    public BackoffConfiguration getBackoff() {
        return backoff;
    }

    /**
     * Sets the retry backoff settings. Micronaut injects the bound {@code role-probe.backoff.*} values here.
     *
     * @param backoff the backoff settings; {@code null} restores the defaults
     */
    public void setBackoff(BackoffConfiguration backoff) {
        this.backoff = backoff != null ? backoff : new BackoffConfiguration();
    }

    /** @return the request guard settings ({@code role-probe.guard.*}); never {@code null} */
    public GuardConfiguration getGuard() {
        return guard;
    }

    /**
     * Sets the request guard settings. Micronaut injects the bound {@code role-probe.guard.*} values here.
     *
     * @param guard the request guard settings; {@code null} restores the defaults
     */
    public void setGuard(GuardConfiguration guard) {
        this.guard = guard != null ? guard : new GuardConfiguration();
    }

    /** @return the self-eviction settings ({@code role-probe.heal.*}); never {@code null} */
    public HealConfiguration getHeal() {
        return heal;
    }

    /**
     * Sets the self-eviction settings. Micronaut injects the bound {@code role-probe.heal.*} values here.
     *
     * @param heal the self-eviction settings; {@code null} restores the defaults
     */
    public void setHeal(HealConfiguration heal) {
        this.heal = heal != null ? heal : new HealConfiguration();
    }

    /**
     * Validates the settings and converts them to core's configuration. {@code role-probe.application-start-timeout},
     * which core does not use, is validated here too, with the same kind of message.
     *
     * @return the validated configuration; a new instance on each call
     * @throws InvalidSettingException when a value is unusable; the message names the setting (for example
     *     {@code role-probe.role-arns}), the rejected value and a correct example. Left to propagate so that
     *     the application fails to start with that message.
     */
    public RoleProbeConfig toRoleProbeConfig() {
        InvalidSettingException.requireNonNegative(APPLICATION_START_TIMEOUT, applicationStartTimeout, "30s");
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
     * Binds {@code role-probe.backoff.*}: exponential backoff with full jitter between attempts while the
     * identity is not verified. Mutable while Micronaut binds it, then only read.
     */
    @ConfigurationProperties(BackoffConfiguration.PREFIX)
    @Introspected
    public static class BackoffConfiguration {

        /** The prefix of these settings, relative to {@code role-probe}: {@value}. */
        public static final String PREFIX = "backoff";
        /** Default of {@code role-probe.backoff.initial}: 200 milliseconds. */
        public static final Duration DEFAULT_INITIAL = RoleProbeConfig.DEFAULT_BACKOFF_INITIAL;
        /** Default of {@code role-probe.backoff.max}: 5 seconds. */
        public static final Duration DEFAULT_MAX = RoleProbeConfig.DEFAULT_BACKOFF_MAX;
        /** Default of {@code role-probe.backoff.local-max}: 1 second. */
        public static final Duration DEFAULT_LOCAL_MAX = RoleProbeConfig.DEFAULT_BACKOFF_LOCAL_MAX;
        /** Default of {@code role-probe.backoff.persistent-max}: 5 minutes. */
        public static final Duration DEFAULT_PERSISTENT_MAX = RoleProbeConfig.DEFAULT_BACKOFF_PERSISTENT_MAX;

        private Duration initial = DEFAULT_INITIAL;
        private Duration max = DEFAULT_MAX;
        private Duration localMax = DEFAULT_LOCAL_MAX;
        private Duration persistentMax = DEFAULT_PERSISTENT_MAX;

        /** Creates the settings with their defaults, for use outside Micronaut; checks nothing. */
        public BackoffConfiguration() {
        }

        /**
         * Micronaut's constructor: checks that every typed {@code role-probe.*} value converts before any is bound,
         * should this bean be created before {@link RoleProbeConfiguration}.
         *
         * @param environment the application's environment
         * @throws InvalidSettingException when a value does not convert (see {@link SettingsConversionCheck#check})
         */
        @Inject
        BackoffConfiguration(Environment environment) {
            SettingsConversionCheck.check(environment);
        }

        /** @return the ceiling of the first retry delay */
        public Duration getInitial() {
            return initial;
        }

        /**
         * Sets the ceiling of the first retry delay; it doubles on each failure up to {@code max}.
         * Default value: 200 milliseconds.
         *
         * @param initial a positive duration, for example {@code 200ms}
         */
        public void setInitial(Duration initial) {
            this.initial = initial;
        }

        /** @return the largest retry delay ceiling after an attempt that sent a request to STS */
        public Duration getMax() {
            return max;
        }

        /**
         * Sets the largest retry delay ceiling after an attempt that sent a request to STS (it called
         * {@code GetCallerIdentity}, or IRSA environment is present, whose credential provider calls STS on
         * every attempt). Also caps {@code local-max}. Default value: 5 seconds.
         *
         * @param max a positive duration not shorter than {@code initial}, for example {@code 5s}
         */
        public void setMax(Duration max) {
            this.max = max;
        }

        /** @return the largest retry delay ceiling after an attempt that had no request to send to STS, as configured */
        public Duration getLocalMax() {
            return localMax;
        }

        /**
         * Sets the largest retry delay ceiling after an attempt that had no request to send to STS (the node role's key
         * whose identity is already known, or no credentials yet from the SDK default chain in a Pod Identity pod;
         * a failed resolution in the application's own provider counts as a request to STS, as that provider may
         * call STS): such attempts cost STS nothing, so a pod waiting
         * for its EKS Pod Identity association notices it sooner. The verifier uses the smaller of this and
         * {@code max}. Default value: 1 second.
         *
         * @param localMax a positive duration, for example {@code 1s}
         */
        public void setLocalMax(Duration localMax) {
            this.localMax = localMax;
        }

        /** @return the largest retry delay ceiling for failures that send requests to STS and persist */
        public Duration getPersistentMax() {
            return persistentMax;
        }

        /**
         * Sets the largest retry delay ceiling for failures that send requests to STS and persist: after
         * {@value RoleProbeConfig#PERSISTENT_AFTER_ATTEMPTS} such failed attempts since the last confirmation (at once
         * after STS answered {@code Throttling}) the ceiling doubles from {@code max} up to this, and the wait is
         * drawn from the upper half of the ceiling. With the default, a pod that never succeeds makes at most 40
         * attempts in its first hour (28 when STS throttles from the start) and 24 an hour after that. Default value: 5 minutes.
         *
         * @param persistentMax a positive duration not shorter than {@code max}, for example {@code 5m}
         */
        public void setPersistentMax(Duration persistentMax) {
            this.persistentMax = persistentMax;
        }
    }

    /**
     * Binds {@code role-probe.guard.*}: what role-probe's request guard does with the requests that the application's
     * own AWS SDK clients sign (core's {@code io.github.roleprobe.guard.RequestGuard}). Values are kept as configured
     * and validated by {@link RoleProbeConfiguration#toRoleProbeConfig()}. Mutable while Micronaut binds it, then only
     * read.
     */
    @ConfigurationProperties(GuardConfiguration.PREFIX)
    @Introspected
    public static class GuardConfiguration {

        /** The prefix of these settings, relative to {@code role-probe}: {@value}. */
        public static final String PREFIX = "guard";
        /** Default of {@code role-probe.guard.mode}: {@code observe}. */
        public static final String DEFAULT_MODE = RoleProbeConfig.DEFAULT_GUARD_MODE.configValue();
        /** Default of {@code role-probe.guard.identifications-per-hour}: {@value}. */
        public static final int DEFAULT_IDENTIFICATIONS_PER_HOUR = RoleProbeConfig.DEFAULT_GUARD_IDENTIFICATIONS_PER_HOUR;

        private String mode = DEFAULT_MODE;
        private List<String> allowedRoleArns = new ArrayList<>();
        private int identificationsPerHour = DEFAULT_IDENTIFICATIONS_PER_HOUR;

        /** Creates the settings with their defaults, for use outside Micronaut; checks nothing. */
        public GuardConfiguration() {
        }

        /**
         * Micronaut's constructor: checks that every typed {@code role-probe.*} value converts before any is bound,
         * should this bean be created before {@link RoleProbeConfiguration}.
         *
         * @param environment the application's environment
         * @throws InvalidSettingException when a value does not convert (see {@link SettingsConversionCheck#check})
         */
        @Inject
        GuardConfiguration(Environment environment) {
            SettingsConversionCheck.check(environment);
        }

        /** @return the mode as configured */
        public String getMode() {
            return mode;
        }

        /**
         * Sets what the request guard does with the requests the application's AWS SDK clients send:
         * {@code observe} shows each client in the health details and holds readiness DOWN
         * ({@code WRONG_IDENTITY}) while a client signs with the node role or another identity than an expected or
         * allowed role; {@code enforce} does the same and also fails such a request with an
         * {@code SdkClientException} before it is sent; {@code off} observes nothing. Default value: observe.
         *
         * @param mode {@code observe}, {@code enforce} or {@code off}, in any case. Validated by
         *     {@link RoleProbeConfiguration#toRoleProbeConfig()}.
         */
        public void setMode(String mode) {
            this.mode = mode;
        }

        /** @return the allowed role ARNs as configured, possibly empty; never {@code null} */
        public List<String> getAllowedRoleArns() {
            return allowedRoleArns;
        }

        /**
         * Sets the roles that application requests may be signed with on purpose besides the expected roles (a client
         * with its own cross-account assume-role provider), for example
         * {@code arn:aws:iam::444455556666:role/reports-reader}: such requests are shown as {@code allowed}, sent in
         * enforce mode, and never taken for the pod's identity. Default: none.
         *
         * @param allowedRoleArns IAM role ARNs; {@code null} means none. Validated by
         *     {@link RoleProbeConfiguration#toRoleProbeConfig()}.
         */
        public void setAllowedRoleArns(List<String> allowedRoleArns) {
            this.allowedRoleArns = allowedRoleArns != null ? new ArrayList<>(allowedRoleArns) : new ArrayList<>();
        }

        /** @return the most STS calls per hour the request guard makes to identify new access keys */
        public int getIdentificationsPerHour() {
            return identificationsPerHour;
        }

        /**
         * Sets the most STS {@code GetCallerIdentity} calls per hour that the request guard makes to identify access
         * keys seen in application requests that no verification attempt identified (a token bucket, full at
         * start). Past it, a new key stays unidentified until a token is back; in enforce mode its requests are
         * refused meanwhile. {@code 0} turns such identification off. Default value: 20.
         *
         * @param identificationsPerHour zero or positive. Validated by {@link RoleProbeConfiguration#toRoleProbeConfig()}.
         */
        public void setIdentificationsPerHour(int identificationsPerHour) {
            this.identificationsPerHour = identificationsPerHour;
        }
    }
    /**
     * Binds {@code role-probe.heal.*}: the opt-in self-eviction of a pod that stays {@code NOT_INJECTED}
     * (role-probe-heal's {@code io.github.roleprobe.heal.SelfEviction}, created by {@link RoleProbeHealFactory}, which
     * validates these values with core's message). Defaults are role-probe-heal's, which the tests compare. Mutable
     * while Micronaut binds it, then only read.
     */
    @ConfigurationProperties(HealConfiguration.PREFIX)
    @Introspected
    public static class HealConfiguration {

        /** The prefix of these settings, relative to {@code role-probe}: {@value}. */
        public static final String PREFIX = "heal";

        private boolean evictNotInjected;
        private Duration after = Duration.ofSeconds(30);
        private int maxEvictions = 3;
        private Duration window = Duration.ofHours(1);

        /** Creates the settings with their defaults, for use outside Micronaut; checks nothing. */
        public HealConfiguration() {
        }

        /**
         * Micronaut's constructor: checks that every typed {@code role-probe.*} value converts before any is bound.
         *
         * @param environment the application's environment
         * @throws InvalidSettingException when a value does not convert (see {@link SettingsConversionCheck#check})
         */
        @Inject
        HealConfiguration(Environment environment) {
            SettingsConversionCheck.check(environment);
        }

        /** @return whether a pod that stays NOT_INJECTED evicts itself */
        public boolean isEvictNotInjected() {
            return evictNotInjected;
        }

        /**
         * Sets whether a pod that stays {@code NOT_INJECTED} asks the Kubernetes Eviction API (policy/v1, which honours
         * PodDisruptionBudgets) to evict itself, so that its ReplicaSet creates a new pod that the EKS webhook admits
         * again. Needs {@code io.github.roleprobe:role-probe-heal} and the kit's self-eviction RBAC. Default: false.
         *
         * @param evictNotInjected {@code true} to turn it on
         */
        public void setEvictNotInjected(boolean evictNotInjected) {
            this.evictNotInjected = evictNotInjected;
        }

        /** @return how long NOT_INJECTED lasts before the pod evicts itself */
        public Duration getAfter() {
            return after;
        }

        /**
         * Sets how long {@code NOT_INJECTED} lasts before the pod evicts itself (jittered up to a quarter more).
         * Default value: 30 seconds.
         *
         * @param after a positive duration
         */
        public void setAfter(Duration after) {
            this.after = after;
        }

        /** @return the most self-evictions per owner within the window */
        public int getMaxEvictions() {
            return maxEvictions;
        }

        /**
         * Sets the most pods of one owner (ReplicaSet) that evict themselves within the window, counted by the
         * {@code RoleProbeSelfEviction} Events they record. Default value: 3.
         *
         * @param maxEvictions 1 or more
         */
        public void setMaxEvictions(int maxEvictions) {
            this.maxEvictions = maxEvictions;
        }

        /** @return the window of max-evictions */
        public Duration getWindow() {
            return window;
        }

        /**
         * Sets the window in which the self-evictions of one owner are counted. Default value: 1 hour.
         *
         * @param window a positive duration
         */
        public void setWindow(Duration window) {
            this.window = window;
        }
    }
}
