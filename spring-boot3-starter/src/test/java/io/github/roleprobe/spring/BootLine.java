package io.github.roleprobe.spring;

import java.util.function.Supplier;
import org.springframework.boot.actuate.autoconfigure.availability.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.availability.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;

/**
 * The Spring Boot 3.5 side of the tests shared with the Boot 4 starter (spring-common/src/shared-test): where Boot
 * 3.5 keeps what the two lines have in different packages. The Boot 4 starter's tests have a class of the same name.
 */
final class BootLine {

    /** The Boot line these tests run on. */
    static final String NAME = "Spring Boot 3.5";

    /** The package of the health API, hidden to simulate an application without actuator. */
    static final String HEALTH_API_PACKAGE = "org.springframework.boot.actuate.health";

    /** What Spring Boot publishes once its embedded web server listens. */
    static final Class<? extends ApplicationEvent> WEB_SERVER_INITIALIZED_EVENT = WebServerInitializedEvent.class;

    private BootLine() {
    }

    /** @return Spring Boot's metrics auto-configuration with its simple registry, as actuator brings it */
    static AutoConfigurations metrics() {
        return AutoConfigurations.of(MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class);
    }

    /** @return the Prometheus export auto-configuration */
    static AutoConfigurations prometheusExport() {
        return AutoConfigurations.of(PrometheusMetricsExportAutoConfiguration.class);
    }

    /** @return the health endpoint with its probe groups and the availability indicators, as actuator brings them */
    static AutoConfigurations healthEndpoint() {
        return AutoConfigurations.of(EndpointAutoConfiguration.class, HealthContributorAutoConfiguration.class,
                HealthEndpointAutoConfiguration.class, AvailabilityHealthContributorAutoConfiguration.class,
                AvailabilityProbesAutoConfiguration.class);
    }

    /** @return the status code the health endpoint answers at {@code path}, or {@code null} when there is none */
    static String status(ApplicationContext context, String... path) {
        HealthComponent component = context.getBean(HealthEndpoint.class).healthForPath(path);
        return component != null ? component.getStatus().getCode() : null;
    }

    /** @return {@code runner} with a health indicator bean named {@code name} whose status code {@code status} gives */
    static ApplicationContextRunner withHealthIndicator(ApplicationContextRunner runner, String name,
                                                        Supplier<String> status) {
        return runner.withBean(name, HealthIndicator.class, () -> () -> Health.status(status.get()).build());
    }
}
