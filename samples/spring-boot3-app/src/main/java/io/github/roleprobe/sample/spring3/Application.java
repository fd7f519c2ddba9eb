package io.github.roleprobe.sample.spring3;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Starts the sample service: Spring Boot 3.5, Spring Cloud AWS 3.4, role-probe-spring-boot3-starter. */
@SpringBootApplication
public class Application {

    /**
     * Runs the Spring Boot application.
     *
     * @param args command-line arguments ({@code --key=value} become properties)
     */
    public static void main(String[] args) {
        SpringApplication.run(Application.class, args);
    }
}
