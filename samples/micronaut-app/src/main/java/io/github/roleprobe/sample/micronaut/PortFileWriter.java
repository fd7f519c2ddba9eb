package io.github.roleprobe.sample.micronaut;

import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * With {@code sample.port-file} set, writes the port the server listens on to that file once it listens (whole or
 * not at all: a temporary file renamed). With {@code micronaut.server.port=0} the kernel picks the port as it binds,
 * and samples/demo.sh and the tests read it here: no port is picked first and bound later, which another process
 * could take in between.
 */
@Singleton
@Requires(property = "sample.port-file")
public class PortFileWriter implements ApplicationEventListener<ServerStartupEvent> {

    private final Path file;

    /** @param file where the port goes */
    public PortFileWriter(@Property(name = "sample.port-file") String file) {
        this.file = Path.of(file);
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, event.getSource().getPort() + "\n");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the port file " + file, e);
        }
    }
}
