package io.github.roleprobe.spring;

import io.github.roleprobe.environment.PodEnvironment;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A plain Spring Boot application with every auto-configuration of the test classpath (web MVC, actuator and the
 * role-probe starter) but Spring Cloud AWS's, which only the {@code SpringCloudAws*Test} classes use (their
 * {@link SpringCloudAwsTestApplication}): here the application has no {@code credentialsProvider} bean unless a test
 * defines one. Its {@link PodEnvironment} bean simulates {@code KUBERNETES_SERVICE_HOST} unless
 * {@code test.in-kubernetes=false}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
        "io.awspring.cloud.autoconfigure.core.AwsAutoConfiguration",
        "io.awspring.cloud.autoconfigure.core.CredentialsProviderAutoConfiguration",
        "io.awspring.cloud.autoconfigure.core.RegionProviderAutoConfiguration",
        "io.awspring.cloud.autoconfigure.sqs.SqsAutoConfiguration"})
class TestApplication {

    static final PodEnvironment IN_KUBERNETES = PodEnvironment.of(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"));
    static final PodEnvironment OUTSIDE_KUBERNETES = PodEnvironment.of(Map.of());

    @Bean
    PodEnvironment podEnvironment(@Value("${test.in-kubernetes:true}") boolean inKubernetes) {
        return inKubernetes ? IN_KUBERNETES : OUTSIDE_KUBERNETES;
    }
}
