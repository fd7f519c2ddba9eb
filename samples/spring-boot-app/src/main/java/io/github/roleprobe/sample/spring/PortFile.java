package io.github.roleprobe.sample.spring;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.server.context.WebServerPortFileWriter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With {@code sample.port-file} set, Spring Boot's {@link WebServerPortFileWriter} writes the port the server listens
 * on to that file once it listens. With {@code server.port=0} the kernel picks the port as it binds, and
 * samples/demo.sh and the tests read it there: no port is picked first and bound later, which another process could
 * take in between. (Spring Boot 4 has no {@code context.listener.classes} to register the writer from the command
 * line.)
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("sample.port-file")
public class PortFile {

    /**
     * @param file where the port goes
     * @return the listener that writes it
     */
    @Bean
    WebServerPortFileWriter portFileWriter(@Value("${sample.port-file}") String file) {
        return new WebServerPortFileWriter(file);
    }
}
