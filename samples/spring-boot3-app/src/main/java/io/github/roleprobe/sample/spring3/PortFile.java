package io.github.roleprobe.sample.spring3;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.boot.web.context.WebServerPortFileWriter;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * With {@code sample.port-file} set, Spring Boot's {@link WebServerPortFileWriter} writes the port the server listens
 * on to that file once it listens, as in samples/spring-boot-app (Boot 3.5 has the writer in
 * {@code org.springframework.boot.web.context}). Always a bean, reading the setting at run time, so that it works in
 * the application processed ahead of time too.
 */
@Component
public class PortFile implements ApplicationListener<WebServerInitializedEvent> {

    private final WebServerPortFileWriter writer;

    /** @param file where the port goes; empty for none */
    public PortFile(@Value("${sample.port-file:}") String file) {
        this.writer = file.isBlank() ? null : new WebServerPortFileWriter(file);
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (writer != null) {
            writer.onApplicationEvent(event);
        }
    }
}
