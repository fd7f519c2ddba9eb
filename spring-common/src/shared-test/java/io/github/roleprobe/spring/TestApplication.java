package io.github.roleprobe.spring;

import io.github.roleprobe.environment.PodEnvironment;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A plain Spring Boot application with every auto-configuration of the test classpath (web MVC, actuator and the
 * role-probe starter). Its {@link PodEnvironment} bean simulates {@code KUBERNETES_SERVICE_HOST} unless
 * {@code test.in-kubernetes=false}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class TestApplication {

    static final PodEnvironment IN_KUBERNETES = PodEnvironment.of(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"));
    static final PodEnvironment OUTSIDE_KUBERNETES = PodEnvironment.of(Map.of());

    @Bean
    PodEnvironment podEnvironment(@Value("${test.in-kubernetes:true}") boolean inKubernetes) {
        return inKubernetes ? IN_KUBERNETES : OUTSIDE_KUBERNETES;
    }
}
