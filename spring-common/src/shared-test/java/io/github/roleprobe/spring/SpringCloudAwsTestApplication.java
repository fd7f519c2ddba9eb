package io.github.roleprobe.spring;

import io.github.roleprobe.environment.PodEnvironment;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * {@link TestApplication} with Spring Cloud AWS: every auto-configuration of the test class path, Spring Cloud AWS's
 * too (its {@code credentialsProvider} bean, its region provider, its {@code SqsAsyncClient} and {@code SqsTemplate}),
 * as an application with {@code spring-cloud-aws-starter-sqs} has them: Spring Cloud AWS 3.4 on the Boot 3.5
 * starter's class path, 4.1 on the Boot 4 starter's. Its {@link PodEnvironment} bean simulates
 * {@code KUBERNETES_SERVICE_HOST}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class SpringCloudAwsTestApplication {

    @Bean
    PodEnvironment podEnvironment() {
        return TestApplication.IN_KUBERNETES;
    }
}
