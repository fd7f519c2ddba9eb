package io.github.roleprobe.heal;

import io.github.roleprobe.config.InvalidSettingException;
import io.github.roleprobe.config.RoleProbeConfig;
import java.time.Duration;

/**
 * The {@code role-probe.heal.*} settings of the self-eviction of a {@code NOT_INJECTED} pod. Validated when built, with
 * core's {@link InvalidSettingException} (setting, value, example), like the settings of {@link RoleProbeConfig}.
 * Immutable and thread-safe.
 */
public final class SelfEvictionConfig {

    /** The setting that turns self-eviction on: {@value}. Default {@code false}. */
    public static final String EVICT_NOT_INJECTED = RoleProbeConfig.PREFIX + ".heal.evict-not-injected";
    /** How long {@code NOT_INJECTED} lasts before the pod evicts itself: {@value}. */
    public static final String AFTER = RoleProbeConfig.PREFIX + ".heal.after";
    /** At most this many self-evictions per owner (ReplicaSet) within {@link #WINDOW}: {@value}. */
    public static final String MAX_EVICTIONS = RoleProbeConfig.PREFIX + ".heal.max-evictions";
    /** The window of {@link #MAX_EVICTIONS}: {@value}. */
    public static final String WINDOW = RoleProbeConfig.PREFIX + ".heal.window";

    /** Default of {@link #AFTER}: 30 s. */
    public static final Duration DEFAULT_AFTER = Duration.ofSeconds(30);
    /** Default of {@link #MAX_EVICTIONS}: 3. */
    public static final int DEFAULT_MAX_EVICTIONS = 3;
    /**
     * Default of {@link #WINDOW}: 1 h, the API server's default {@code --event-ttl}, after which the Events that count
     * the self-evictions are gone anyway.
     */
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);

    private final boolean enabled;
    private final Duration after;
    private final int maxEvictions;
    private final Duration window;

    private SelfEvictionConfig(Builder b) {
        this.enabled = b.enabled;
        this.after = positive(AFTER, b.after, "30s");
        if (b.maxEvictions < 1) {
            throw new InvalidSettingException(MAX_EVICTIONS, Integer.toString(b.maxEvictions),
                    "It must be 1 or more (role-probe.heal.evict-not-injected=false turns self-eviction off).", "3");
        }
        this.maxEvictions = b.maxEvictions;
        this.window = positive(WINDOW, b.window, "1h");
    }

    /** @return a builder with the defaults (self-eviction off) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return whether a {@code NOT_INJECTED} pod evicts itself ({@value #EVICT_NOT_INJECTED}) */
    public boolean enabled() {
        return enabled;
    }

    /**
     * @return how long {@code NOT_INJECTED} lasts before the pod asks to be evicted, positive; the wait is drawn from
     *     this to 1.25 times this, so that the pods of one ReplicaSet do not all go at once
     */
    public Duration after() {
        return after;
    }

    /** @return at most this many self-evictions per owner within {@link #window()}, 1 or more */
    public int maxEvictions() {
        return maxEvictions;
    }

    /** @return the window in which {@link #maxEvictions()} self-evictions are counted, positive */
    public Duration window() {
        return window;
    }

    private static Duration positive(String setting, Duration value, String example) {
        return InvalidSettingException.requirePositive(setting, value, example);
    }

    /** Builds a {@link SelfEvictionConfig}. Not thread-safe. */
    public static final class Builder {
        private boolean enabled;
        private Duration after = DEFAULT_AFTER;
        private int maxEvictions = DEFAULT_MAX_EVICTIONS;
        private Duration window = DEFAULT_WINDOW;

        private Builder() {
        }

        /**
         * @param v {@value #EVICT_NOT_INJECTED}
         * @return this builder
         */
        public Builder enabled(boolean v) {
            enabled = v;
            return this;
        }

        /**
         * @param v {@value #AFTER}; positive
         * @return this builder
         */
        public Builder after(Duration v) {
            after = v;
            return this;
        }

        /**
         * @param v {@value #MAX_EVICTIONS}; 1 or more
         * @return this builder
         */
        public Builder maxEvictions(int v) {
            maxEvictions = v;
            return this;
        }

        /**
         * @param v {@value #WINDOW}; positive
         * @return this builder
         */
        public Builder window(Duration v) {
            window = v;
            return this;
        }

        /**
         * @return the settings
         * @throws InvalidSettingException naming the setting when a value is out of range
         */
        public SelfEvictionConfig build() {
            return new SelfEvictionConfig(this);
        }
    }
}
