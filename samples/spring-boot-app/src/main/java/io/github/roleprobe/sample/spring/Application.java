package io.github.roleprobe.sample.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Starts the sample service. */
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
