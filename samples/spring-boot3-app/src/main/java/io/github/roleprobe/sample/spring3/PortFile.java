package io.github.roleprobe.sample.spring3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * With {@code sample.port-file} set, writes the port the server listens on to that file once it listens (written
 * to a temporary file and moved into place, so a reader never sees it half written). With {@code server.port=0} the
 * kernel picks the port as it binds, and samples/demo.sh and the tests read it there: no port is picked first and
 * bound later, which another process could take in between. Always a bean, reading the setting when the server
 * starts, so that it works in an application processed ahead of time too (Spring AOT fixes {@code @Conditional}
 * decisions at build time).
 */
@Component
public class PortFile implements ApplicationListener<WebServerInitializedEvent> {

    private final String file;

    /** @param file where the port goes; empty for none */
    public PortFile(@Value("${sample.port-file:}") String file) {
        this.file = file;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (file.isBlank()) {
            return;
        }
        Path target = Path.of(file).toAbsolutePath();
        try {
            Path temporary = Files.createTempFile(target.getParent(), ".port", ".tmp");
            Files.writeString(temporary, Integer.toString(event.getWebServer().getPort()), StandardCharsets.US_ASCII);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the port to " + target, e);
        }
    }
}
