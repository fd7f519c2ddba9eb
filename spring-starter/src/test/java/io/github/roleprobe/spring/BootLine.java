package io.github.roleprobe.spring;

import java.util.function.Supplier;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;

/**
 * The Spring Boot 4 side of the tests shared with the Boot 3.5 starter (spring-common/src/shared-test): where Boot 4
 * keeps what the two lines have in different packages. The Boot 3.5 starter's tests have a class of the same name.
 */
final class BootLine {

    /** The Boot line these tests run on. */
    static final String NAME = "Spring Boot 4";

    /** The package of the health API, hidden to simulate an application without it. */
    static final String HEALTH_API_PACKAGE = "org.springframework.boot.health";

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
                HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
                AvailabilityHealthContributorAutoConfiguration.class, AvailabilityProbesAutoConfiguration.class);
    }

    /** @return the status code the health endpoint answers at {@code path}, or {@code null} when there is none */
    static String status(ApplicationContext context, String... path) {
        HealthDescriptor descriptor = context.getBean(HealthEndpoint.class).healthForPath(path);
        return descriptor != null ? descriptor.getStatus().getCode() : null;
    }

    /** @return {@code runner} with a health indicator bean named {@code name} whose status code {@code status} gives */
    static ApplicationContextRunner withHealthIndicator(ApplicationContextRunner runner, String name,
                                                        Supplier<String> status) {
        return runner.withBean(name, HealthIndicator.class, () -> () -> Health.status(status.get()).build());
    }
}
