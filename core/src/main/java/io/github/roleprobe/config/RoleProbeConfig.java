package io.github.roleprobe.config;

import io.github.roleprobe.arn.IamRoleArn;
import io.github.roleprobe.guard.GuardMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the identity verifier, validated when built. Both framework starters bind the
 * {@code role-probe.*} keys and hand the raw values to this builder, so the same rules and error
 * messages apply everywhere.
 *
 * <p>Immutable and thread-safe. Create with {@link #builder()}.
 */
public final class RoleProbeConfig {

    /** Prefix of every setting. */
    public static final String PREFIX = "role-probe";
    /** Setting holding the expected IAM role ARNs. */
    public static final String ROLE_ARNS = PREFIX + ".role-arns";
    /** Setting holding the STS region. */
    public static final String REGION = PREFIX + ".region";
    /** Setting holding the STS endpoint override. */
    public static final String STS_ENDPOINT = PREFIX + ".sts-endpoint";
    /** Setting holding the first backoff delay. */
    public static final String BACKOFF_INITIAL = PREFIX + ".backoff.initial";
    /** Setting holding the largest backoff delay after an attempt that sent a request to STS. */
    public static final String BACKOFF_MAX = PREFIX + ".backoff.max";
    /** Setting holding the largest backoff delay after an attempt that had no request to send to STS. */
    public static final String BACKOFF_LOCAL_MAX = PREFIX + ".backoff.local-max";
    /** Setting holding the largest backoff delay for failures that send requests to STS and persist. */
    public static final String BACKOFF_PERSISTENT_MAX = PREFIX + ".backoff.persistent-max";
    /** Setting holding the refresh interval after verification. */
    public static final String REFRESH_INTERVAL = PREFIX + ".refresh-interval";
    /** Setting holding the maximum age of a confirmation. */
    public static final String MAX_AGE = PREFIX + ".max-age";
    /** Setting holding the liveness grace period. */
    public static final String LIVENESS_GRACE = PREFIX + ".liveness-grace";
    /** Setting holding the STS call timeout. */
    public static final String STS_TIMEOUT = PREFIX + ".sts-timeout";
    /** Setting holding the request guard's mode ({@code observe}, {@code enforce}, {@code off}). */
    public static final String GUARD_MODE = PREFIX + ".guard.mode";
    /** Setting holding the role ARNs that application requests may be signed with besides the expected roles. */
    public static final String GUARD_ALLOWED_ROLE_ARNS = PREFIX + ".guard.allowed-role-arns";
    /** Setting holding the most STS calls per hour the request guard may make to identify new access keys. */
    public static final String GUARD_IDENTIFICATIONS_PER_HOUR = PREFIX + ".guard.identifications-per-hour";

    /** Default first backoff delay: 200 ms. */
    public static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofMillis(200);
    /** Default largest backoff delay after an attempt that sent a request to STS: 5 s. */
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(5);
    /**
     * Default largest backoff delay after an attempt that had no request to send to STS: 1 s. While a pod waits for
     * its EKS Pod Identity association, most attempts are such (no credentials, or the node role's access key
     * whose identity is already known), so they retry faster without touching the STS quota: once the
     * association takes effect, the next attempt comes within this ceiling instead of within
     * {@link #DEFAULT_BACKOFF_MAX}.
     */
    public static final Duration DEFAULT_BACKOFF_LOCAL_MAX = Duration.ofSeconds(1);
    /**
     * Default largest backoff delay for failures that send requests to STS and persist: 5 min. After
     * {@value #PERSISTENT_AFTER_ATTEMPTS} such failed attempts in a row (or at once after STS answered
     * {@code Throttling}) the ceiling doubles from {@code backoff.max} with each further failure up to this, and the
     * wait is drawn from the upper half of the ceiling: a pod that never succeeds then sends at most one attempt's
     * requests every 2.5 min, 24 attempts an hour.
     */
    public static final Duration DEFAULT_BACKOFF_PERSISTENT_MAX = Duration.ofMinutes(5);
    /** Failed attempts in a row that sent requests to STS after which a failure counts as persistent: {@value}. */
    public static final int PERSISTENT_AFTER_ATTEMPTS = 12;
    /** Default interval between credential re-resolutions once verified: 1 min. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofMinutes(1);
    /**
     * Default maximum age of an STS confirmation before it is renewed: 20 min. An access key id always
     * belongs to the same identity, so renewals only re-confirm it, while every new key is confirmed anyway.
     * With IRSA the SDK fetches a new key every 55 min (1 h session, refreshed 5 min before expiry), and each
     * new key is confirmed at once: 20 min costs 3 calls per key (at 0, 20 and 40 min), about 78 a day (EKS
     * Pod Identity: 72), where 15 min would cost 4 (at 0, 15, 30 and 45 min), 104 a day, over the
     * target of at most 100 STS calls a day per pod.
     */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(20);
    /** Default time a restart-fixable wrong identity may last before liveness goes DOWN: 60 s. */
    public static final Duration DEFAULT_LIVENESS_GRACE = Duration.ofSeconds(60);
    /** Default timeout of one STS call: 5 s. */
    public static final Duration DEFAULT_STS_TIMEOUT = Duration.ofSeconds(5);
    /** Default request guard mode: {@link GuardMode#OBSERVE}. */
    public static final GuardMode DEFAULT_GUARD_MODE = GuardMode.OBSERVE;
    /**
     * Default number of STS {@code GetCallerIdentity} calls per hour with which the request guard may identify
     * access keys it sees in application requests and that no verification attempt identified: 20. Application
     * clients that share the verifier's credentials need none; each SDK client with its own chain under IRSA
     * brings a new key about every 55 minutes, so 20 covers about 20 such clients.
     */
    public static final int DEFAULT_GUARD_IDENTIFICATIONS_PER_HOUR = 20;

    private final List<IamRoleArn> roleArns;
    private final Optional<String> region;
    private final Optional<URI> stsEndpoint;
    private final Duration backoffInitial;
    private final Duration backoffMax;
    private final Duration backoffLocalMax;
    private final Duration backoffPersistentMax;
    private final Duration refreshInterval;
    private final Duration maxAge;
    private final Duration livenessGrace;
    private final Duration stsTimeout;
    private final GuardMode guardMode;
    private final List<IamRoleArn> guardAllowedRoleArns;
    private final int guardIdentificationsPerHour;

    private RoleProbeConfig(Builder b) {
        this.roleArns = List.copyOf(b.roleArns);
        this.region = b.region;
        this.stsEndpoint = b.stsEndpoint;
        this.backoffInitial = positive(BACKOFF_INITIAL, b.backoffInitial, "200ms");
        this.backoffMax = positive(BACKOFF_MAX, b.backoffMax, "5s");
        if (backoffMax.compareTo(backoffInitial) < 0) {
            throw new InvalidSettingException(BACKOFF_MAX, InvalidSettingException.format(b.backoffMax),
                    "It must not be shorter than " + BACKOFF_INITIAL + " ("
                            + InvalidSettingException.format(b.backoffInitial) + ").", "5s");
        }
        this.backoffLocalMax = positive(BACKOFF_LOCAL_MAX, b.backoffLocalMax, "1s");
        this.backoffPersistentMax = positive(BACKOFF_PERSISTENT_MAX, b.backoffPersistentMax, "5m");
        if (backoffPersistentMax.compareTo(backoffMax) < 0) {
            throw new InvalidSettingException(BACKOFF_PERSISTENT_MAX, InvalidSettingException.format(b.backoffPersistentMax),
                    "It must not be shorter than " + BACKOFF_MAX + " (" + InvalidSettingException.format(b.backoffMax)
                            + ").", "5m");
        }
        this.refreshInterval = positive(REFRESH_INTERVAL, b.refreshInterval, "1m");
        this.maxAge = positive(MAX_AGE, b.maxAge, "20m");
        this.livenessGrace = nonNegative(LIVENESS_GRACE, b.livenessGrace, "60s");
        this.stsTimeout = positive(STS_TIMEOUT, b.stsTimeout, "5s");
        this.guardMode = Objects.requireNonNull(b.guardMode, GUARD_MODE);
        this.guardAllowedRoleArns = List.copyOf(b.guardAllowedRoleArns);
        if (b.guardIdentificationsPerHour < 0) {
            throw new InvalidSettingException(GUARD_IDENTIFICATIONS_PER_HOUR,
                    Integer.toString(b.guardIdentificationsPerHour), "It must not be negative.", "20");
        }
        this.guardIdentificationsPerHour = b.guardIdentificationsPerHour;
    }

    /**
     * Starts a builder with every default set and no expected role.
     *
     * @return a new builder; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the expected roles; empty when none was configured */
    public List<IamRoleArn> roleArns() {
        return roleArns;
    }

    /** @return the configured STS region, or empty to use the SDK region provider chain */
    public Optional<String> region() {
        return region;
    }

    /**
     * Returns the configured STS endpoint; when empty the SDK picks the regional endpoint, honouring its
     * own {@code AWS_ENDPOINT_URL_STS} / {@code aws.endpointUrlSts}.
     *
     * @return the endpoint override, or empty
     */
    public Optional<URI> stsEndpoint() {
        return stsEndpoint;
    }

    /** @return the first backoff delay before a retry while not verified */
    public Duration backoffInitial() {
        return backoffInitial;
    }

    /**
     * Returns the largest backoff delay while not verified, after an attempt that sent a request to STS: it
     * called {@code GetCallerIdentity}, or IRSA environment is present, whose web identity provider calls STS
     * {@code AssumeRoleWithWebIdentity} whenever a fresh credential chain resolves. Also the retry interval
     * of {@code NOT_INJECTED}.
     *
     * @return the ceiling, positive and not shorter than {@link #backoffInitial()}
     */
    public Duration backoffMax() {
        return backoffMax;
    }

    /**
     * Returns the largest backoff delay while not verified, after an attempt that had no request to send to STS
     * (credentials whose identity STS already told, or no credentials yet from the SDK default chain in a Pod
     * Identity pod; see {@code IdentityVerifier} for what counts as a request), as configured. The verifier uses
     * {@code min(backoffLocalMax(), backoffMax())}, so a {@code backoff.max} below it lowers both ceilings.
     *
     * @return the ceiling as configured, positive
     */
    public Duration backoffLocalMax() {
        return backoffLocalMax;
    }

    /**
     * Returns the largest backoff delay for failures that send requests to STS and persist (see
     * {@link #DEFAULT_BACKOFF_PERSISTENT_MAX}): it bounds the STS requests of a pod that never succeeds.
     *
     * @return the ceiling, not shorter than {@link #backoffMax()}
     */
    public Duration backoffPersistentMax() {
        return backoffPersistentMax;
    }

    /** @return how often credentials are re-resolved (no STS call unless needed) once verified */
    public Duration refreshInterval() {
        return refreshInterval;
    }

    /** @return how old a confirmation may get before STS is asked again for the same credentials */
    public Duration maxAge() {
        return maxAge;
    }

    /** @return how long a restart-fixable wrong identity may last before liveness goes DOWN */
    public Duration livenessGrace() {
        return livenessGrace;
    }

    /** @return the timeout of one STS call, connection included */
    public Duration stsTimeout() {
        return stsTimeout;
    }

    /**
     * Returns the request guard's mode: what role-probe does with the requests the application's AWS SDK clients
     * send ({@link GuardMode}).
     *
     * @return the mode; default {@link GuardMode#OBSERVE}
     */
    public GuardMode guardMode() {
        return guardMode;
    }

    /**
     * Returns the roles that application requests may be signed with on purpose besides the expected roles (a
     * client with its own cross-account assume-role provider): the request guard shows such requests as allowed
     * and never takes them for the pod's identity.
     *
     * @return the allowed roles, possibly empty; matched like {@link #roleArns()}
     */
    public List<IamRoleArn> guardAllowedRoleArns() {
        return guardAllowedRoleArns;
    }

    /**
     * Returns the most STS {@code GetCallerIdentity} calls per hour the request guard makes to identify access keys
     * that it sees in application requests and that no verification attempt identified (a token bucket of this
     * size, refilled evenly over the hour). Past it, such keys stay unidentified until the bucket refills.
     *
     * @return calls per hour, zero or positive; zero turns identification by the guard off
     */
    public int guardIdentificationsPerHour() {
        return guardIdentificationsPerHour;
    }

    private static Duration positive(String setting, Duration value, String example) {
        return InvalidSettingException.requirePositive(setting, value, example);
    }

    private static Duration nonNegative(String setting, Duration value, String example) {
        Objects.requireNonNull(value, setting);
        return InvalidSettingException.requireNonNegative(setting, value, example);
    }

    /** Builds a {@link RoleProbeConfig}. Not thread-safe. */
    public static final class Builder {
        private final List<IamRoleArn> roleArns = new ArrayList<>();
        private Optional<String> region = Optional.empty();
        private Optional<URI> stsEndpoint = Optional.empty();
        private Duration backoffInitial = DEFAULT_BACKOFF_INITIAL;
        private Duration backoffMax = DEFAULT_BACKOFF_MAX;
        private Duration backoffLocalMax = DEFAULT_BACKOFF_LOCAL_MAX;
        private Duration backoffPersistentMax = DEFAULT_BACKOFF_PERSISTENT_MAX;
        private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
        private Duration maxAge = DEFAULT_MAX_AGE;
        private Duration livenessGrace = DEFAULT_LIVENESS_GRACE;
        private Duration stsTimeout = DEFAULT_STS_TIMEOUT;
        private GuardMode guardMode = DEFAULT_GUARD_MODE;
        private final List<IamRoleArn> guardAllowedRoleArns = new ArrayList<>();
        private int guardIdentificationsPerHour = DEFAULT_GUARD_IDENTIFICATIONS_PER_HOUR;

        private Builder() {
        }

        /**
         * Replaces the expected roles with the given ARNs. Blank entries are ignored.
         *
         * @param arns IAM role ARNs, for example {@code arn:aws:iam::111122223333:role/orders}
         * @return this builder
         * @throws InvalidSettingException naming {@code role-probe.role-arns} when an entry is malformed
         */
        public Builder roleArns(List<String> arns) {
            roleArns.clear();
            if (arns != null) {
                for (String arn : arns) {
                    if (arn != null && !arn.isBlank()) {
                        roleArns.add(IamRoleArn.parse(ROLE_ARNS, arn));
                    }
                }
            }
            return this;
        }

        /**
         * Sets the STS region.
         *
         * @param value a region name such as {@code eu-west-1}; {@code null} or blank to use the SDK region
         *     provider chain
         * @return this builder
         * @throws InvalidSettingException naming {@code role-probe.region} when the value is not a region name
         */
        public Builder region(String value) {
            if (value == null || value.isBlank()) {
                region = Optional.empty();
            } else if (!value.strip().matches("[a-z]{2}(-[a-z]+)+-\\d+")) {
                throw new InvalidSettingException(REGION, value, "Expected an AWS region name.", "eu-west-1");
            } else {
                region = Optional.of(value.strip());
            }
            return this;
        }

        /**
         * Sets the STS endpoint override.
         *
         * @param value an absolute {@code https} (or, for tests and VPC endpoints behind a proxy,
         *     {@code http}) URI; {@code null} or blank for the SDK's choice
         * @return this builder
         * @throws InvalidSettingException naming {@code role-probe.sts-endpoint} when the value is not such a URI
         */
        public Builder stsEndpoint(String value) {
            if (value == null || value.isBlank()) {
                stsEndpoint = Optional.empty();
                return this;
            }
            String example = "https://sts.eu-west-1.amazonaws.com";
            try {
                URI uri = new URI(value.strip());
                if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new InvalidSettingException(STS_ENDPOINT, value,
                            "Expected an absolute http(s) URI with a host.", example);
                }
                stsEndpoint = Optional.of(uri);
            } catch (URISyntaxException e) {
                throw new InvalidSettingException(STS_ENDPOINT, value, "It is not a URI.", example);
            }
            return this;
        }

        /**
         * @param value first backoff delay, positive; default {@link #DEFAULT_BACKOFF_INITIAL}
         * @return this builder
         */
        public Builder backoffInitial(Duration value) {
            backoffInitial = value;
            return this;
        }

        /**
         * @param value largest backoff delay after an attempt that sent a request to STS, not shorter than the
         *     initial one; default {@link #DEFAULT_BACKOFF_MAX}
         * @return this builder
         */
        public Builder backoffMax(Duration value) {
            backoffMax = value;
            return this;
        }

        /**
         * @param value largest backoff delay after an attempt that had no request to send to STS, positive; default
         *     {@link #DEFAULT_BACKOFF_LOCAL_MAX}. May exceed {@code backoffMax}, which then caps it.
         * @return this builder
         */
        public Builder backoffLocalMax(Duration value) {
            backoffLocalMax = value;
            return this;
        }

        /**
         * @param value largest backoff delay for persistent failures that send requests to STS, not shorter than
         *     {@code backoffMax}; default {@link #DEFAULT_BACKOFF_PERSISTENT_MAX}
         * @return this builder
         */
        public Builder backoffPersistentMax(Duration value) {
            backoffPersistentMax = value;
            return this;
        }

        /**
         * @param value re-resolution interval once verified, positive; default {@link #DEFAULT_REFRESH_INTERVAL}
         * @return this builder
         */
        public Builder refreshInterval(Duration value) {
            refreshInterval = value;
            return this;
        }

        /**
         * @param value maximum confirmation age, positive; default {@link #DEFAULT_MAX_AGE}
         * @return this builder
         */
        public Builder maxAge(Duration value) {
            maxAge = value;
            return this;
        }

        /**
         * @param value liveness grace period, zero or positive; default {@link #DEFAULT_LIVENESS_GRACE}
         * @return this builder
         */
        public Builder livenessGrace(Duration value) {
            livenessGrace = value;
            return this;
        }

        /**
         * @param value timeout of one STS call, positive; default {@link #DEFAULT_STS_TIMEOUT}
         * @return this builder
         */
        public Builder stsTimeout(Duration value) {
            stsTimeout = value;
            return this;
        }

        /**
         * Sets the request guard's mode.
         *
         * @param value {@link GuardMode}; default {@link #DEFAULT_GUARD_MODE}
         * @return this builder
         * @throws NullPointerException when {@code value} is {@code null}
         */
        public Builder guardMode(GuardMode value) {
            guardMode = Objects.requireNonNull(value, GUARD_MODE);
            return this;
        }

        /**
         * Sets the request guard's mode from its configured text.
         *
         * @param value {@code observe}, {@code enforce} or {@code off}, in any case, surrounding spaces ignored;
         *     {@code null} or blank for the default
         * @return this builder
         * @throws InvalidSettingException naming {@code role-probe.guard.mode} when the value is none of these
         */
        public Builder guardMode(String value) {
            guardMode = value == null || value.isBlank() ? DEFAULT_GUARD_MODE : GuardMode.parse(GUARD_MODE, value);
            return this;
        }

        /**
         * Replaces the roles that application requests may be signed with besides the expected roles. Blank
         * entries are ignored.
         *
         * @param arns IAM role ARNs, for example {@code arn:aws:iam::444455556666:role/reports-reader}
         * @return this builder
         * @throws InvalidSettingException naming {@code role-probe.guard.allowed-role-arns} when an entry is malformed
         */
        public Builder guardAllowedRoleArns(List<String> arns) {
            guardAllowedRoleArns.clear();
            if (arns != null) {
                for (String arn : arns) {
                    if (arn != null && !arn.isBlank()) {
                        guardAllowedRoleArns.add(IamRoleArn.parse(GUARD_ALLOWED_ROLE_ARNS, arn));
                    }
                }
            }
            return this;
        }

        /**
         * @param value STS calls per hour the request guard may make to identify new access keys, zero or positive;
         *     default {@link #DEFAULT_GUARD_IDENTIFICATIONS_PER_HOUR}
         * @return this builder
         */
        public Builder guardIdentificationsPerHour(int value) {
            guardIdentificationsPerHour = value;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the configuration
         * @throws InvalidSettingException naming the setting when a duration is out of range
         * @throws NullPointerException when a duration was set to {@code null}
         */
        public RoleProbeConfig build() {
            return new RoleProbeConfig(this);
        }
    }
}
