package io.github.roleprobe.micronaut;

import io.github.roleprobe.config.InvalidSettingException;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.env.Environment;
import io.micronaut.core.beans.BeanIntrospection;
import io.micronaut.core.beans.BeanProperty;
import io.micronaut.core.convert.ConversionContext;
import io.micronaut.core.naming.NameUtils;
import io.micronaut.core.type.Argument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Fails the application's startup with core's {@link InvalidSettingException} when a typed {@code role-probe.*}
 * setting (a duration, a number, a switch) holds a value that Micronaut cannot convert, before Micronaut binds
 * {@link RoleProbeConfiguration}: otherwise Micronaut's own conversion error would stop the application without an
 * example, and a switch such as {@code role-probe.enabled=FALSE} would be read differently by the binding
 * ({@code false}) and by role-probe's {@code @Requires(notEquals = "false")} beans (which stay active).
 *
 * <p>The settings checked are derived from the {@link BeanIntrospection} of {@link RoleProbeConfiguration} and of its
 * nested {@link ConfigurationProperties} classes: every property that is not text (a {@code String} or a list of them,
 * to which every value converts) nor a nested settings class, with the key Micronaut binds it from
 * ({@code role-probe.} and the hyphenated property name, for example {@code role-probe.backoff.local-max}) and the
 * property's default as the example. A property added to those classes is thus checked without a change here.
 * One switch that no settings class binds is checked too: {@value RoleProbeMetricsFactory#METRICS_ENABLED}, which
 * {@link RoleProbeMetricsFactory} reads through {@code @Requires} alone.
 *
 * <p>Whether a value converts is decided by Micronaut's own conversion (the {@link Environment}'s conversion service,
 * the one that binds the settings), applied to the value's text as configured, from any property source (a
 * properties or YAML file, a system property, an environment variable such as {@code ROLE_PROBE_REFRESH_INTERVAL},
 * which Micronaut reads as {@code role-probe.refresh-interval}). Booleans are the exception: Micronaut converts any
 * text to a boolean, so a boolean setting must be {@code true} or {@code false}, the text that role-probe's
 * {@code @Requires} conditions compare. Values that convert but are out of range (a negative duration) are left to
 * {@link RoleProbeConfiguration#toRoleProbeConfig()}.
 *
 * <p>Stateless and thread-safe; the list of settings is derived once.
 */
final class SettingsConversionCheck {

    private static final List<TypedSetting> SETTINGS = derive();

    private SettingsConversionCheck() {
    }

    /**
     * Checks every typed setting that {@code environment} holds a value for; settings left unset are not checked.
     *
     * @param environment the application's environment, whose property sources and conversion service bind the
     *     settings
     * @throws InvalidSettingException for the first typed setting whose value does not convert; the message names
     *     the setting in dotted form (as Micronaut binds it, also when the value came from an environment variable),
     *     the value as configured, the accepted form and, as the example, the setting's default (for example
     *     {@code role-probe.refresh-interval=60s})
     */
    static void check(Environment environment) {
        for (TypedSetting setting : SETTINGS) {
            setting.check(environment);
        }
    }

    /** @return the typed settings checked, in the order of the introspected properties; an unmodifiable list */
    static List<TypedSetting> settings() {
        return SETTINGS;
    }

    private static List<TypedSetting> derive() {
        List<TypedSetting> settings = new ArrayList<>();
        collect(BeanIntrospection.getIntrospection(RoleProbeConfiguration.class), new RoleProbeConfiguration(),
                RoleProbeConfiguration.PREFIX, settings);
        settings.add(new TypedSetting(RoleProbeMetricsFactory.METRICS_ENABLED, Argument.BOOLEAN, true));
        return List.copyOf(settings);
    }

    private static <T> void collect(BeanIntrospection<T> introspection, T defaults, String prefix,
                                    List<TypedSetting> settings) {
        for (BeanProperty<T, Object> property : introspection.getBeanProperties()) {
            if (property.isReadOnly()) {
                continue;
            }
            String key = prefix + "." + NameUtils.hyphenate(property.getName());
            Argument<Object> type = property.asArgument();
            if (isText(type)) {
                continue;
            }
            Optional<BeanIntrospection<Object>> nested = nestedSettings(type.getType());
            if (nested.isPresent()) {
                String nestedPrefix = prefix + "." + nested.get().stringValue(ConfigurationProperties.class)
                        .orElseThrow();
                collect(nested.get(), property.get(defaults), nestedPrefix, settings);
            } else {
                settings.add(new TypedSetting(key, type, property.get(defaults)));
            }
        }
    }

    /** Text, and lists of text: every value converts, so core's validation says what is wrong with it. */
    private static boolean isText(Argument<?> type) {
        if (CharSequence.class.isAssignableFrom(type.getType())) {
            return true;
        }
        return Collection.class.isAssignableFrom(type.getType())
                && type.getFirstTypeVariable().map(t -> CharSequence.class.isAssignableFrom(t.getType())).orElse(false);
    }

    @SuppressWarnings("unchecked")
    private static Optional<BeanIntrospection<Object>> nestedSettings(Class<?> type) {
        if (!type.isAnnotationPresent(ConfigurationProperties.class)) {
            return Optional.empty();
        }
        return Optional.of(BeanIntrospection.getIntrospection((Class<Object>) type));
    }

    /**
     * One typed setting: its key, the type Micronaut binds it to and its default. Immutable.
     *
     * @param key the setting in dotted form, for example {@code role-probe.refresh-interval}
     * @param type the property's type, for example {@link Duration}
     * @param defaultValue the property's default, shown as the example
     */
    record TypedSetting(String key, Argument<?> type, Object defaultValue) {

        /**
         * @throws IllegalStateException when the default is {@code null}: a typed setting needs a default to show as
         *     the example
         */
        TypedSetting {
            if (defaultValue == null) {
                throw new IllegalStateException("role-probe setting " + key + " of type " + type.getTypeName()
                        + " has no default to show as the example of its conversion error");
            }
        }

        /** @return whether Micronaut reads this setting as a boolean */
        private boolean isBoolean() {
            return type.getType() == boolean.class || type.getType() == Boolean.class;
        }

        private void check(Environment environment) {
            Optional<String> configured = environment.getProperty(key, String.class);
            if (configured.isEmpty()) {
                return;
            }
            String value = configured.get();
            boolean converts = isBoolean()
                    ? value.equals("true") || value.equals("false")
                    : environment.convert(value, ConversionContext.of(type)).isPresent();
            if (!converts) {
                throw new InvalidSettingException(key, value, problem(), example());
            }
        }

        /** @return the accepted form, one sentence */
        String problem() {
            Class<?> t = type.getType();
            if (t == Duration.class) {
                return "It must be a duration: a whole number and a unit (ns, ms, s, m, h or d, in lowercase), such as"
                        + " 500ms, 30s or 5m, or ISO-8601, such as PT30S.";
            }
            if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
                return "It must be a whole number.";
            }
            if (isBoolean()) {
                return "It must be true or false, in lowercase.";
            }
            return "It must be a value Micronaut converts to " + t.getSimpleName() + ".";
        }

        /** @return the default, formatted as configured: {@code 60s}, {@code 200ms}, {@code 20}, {@code true} */
        String example() {
            return defaultValue instanceof Duration d ? InvalidSettingException.format(d) : String.valueOf(defaultValue);
        }
    }
}
