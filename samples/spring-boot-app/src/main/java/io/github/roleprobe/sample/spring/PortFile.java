package io.github.roleprobe.sample.spring;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.boot.web.server.context.WebServerPortFileWriter;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * With {@code sample.port-file} set, Spring Boot's {@link WebServerPortFileWriter} writes the port the server listens
 * on to that file once it listens. With {@code server.port=0} the kernel picks the port as it binds, and
 * samples/demo.sh and the tests read it there: no port is picked first and bound later, which another process could
 * take in between. (Spring Boot 4 has no {@code context.listener.classes} to register the writer from the command
 * line.) Always a bean, reading the setting at run time, so that it works in the application processed ahead of time
 * too (Spring AOT fixes {@code @Conditional} decisions at build time).
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
