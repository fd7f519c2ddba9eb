package io.github.roleprobe.spring;

import io.github.roleprobe.config.InvalidSettingException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Turns a startup failure caused by an invalid {@code role-probe.*} setting into Spring Boot's "APPLICATION FAILED
 * TO START" report: core's message (setting, rejected value, correct example), where the value came from, and what to
 * change. Registered in {@code META-INF/spring.factories}, as Spring Boot registers its own analyzers for
 * configuration errors.
 */
public class InvalidSettingFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSettingException> {

    private final Environment environment;

    /**
     * @param environment the application's environment, to report where the rejected value came from; may be
     *     {@code null}
     */
    public InvalidSettingFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidSettingException cause) {
        StringBuilder description = new StringBuilder("role-probe cannot start: ").append(cause.getMessage());
        String origin = origin(cause.setting());
        if (origin != null) {
            description.append(System.lineSeparator()).append(System.lineSeparator())
                    .append("    Origin: ").append(origin);
        }
        String action = cause.setting().startsWith("role-probe.")
                ? "Update '" + cause.setting() + "' in your application's configuration, for example:"
                        + System.lineSeparator() + System.lineSeparator() + "    " + cause.setting() + "="
                        + cause.example()
                : "Fix " + cause.setting() + " (for example " + cause.example() + "), or set role-probe.role-arns.";
        return new FailureAnalysis(description.toString(), action, cause);
    }

    private String origin(String setting) {
        if (environment == null || !ConfigurationPropertyName.isValid(setting)) {
            return null;
        }
        ConfigurationPropertyName name = ConfigurationPropertyName.of(setting);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            ConfigurationProperty property = source.getConfigurationProperty(name);
            if (property == null) {
                property = source.getConfigurationProperty(name.append("[0]"));
            }
            if (property != null && property.getOrigin() != null) {
                return property.getOrigin().toString();
            }
        }
        return null;
    }
}
