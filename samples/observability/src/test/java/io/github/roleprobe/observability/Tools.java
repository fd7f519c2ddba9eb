package io.github.roleprobe.observability;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Finds the Prometheus server and promtool (Debian package {@code prometheus}). */
final class Tools {

    private Tools() {
    }

    /**
     * @param name {@code prometheus} or {@code promtool}
     * @return the executable; with {@code CI=true} a missing tool fails the test, otherwise it skips it
     */
    static Path require(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + java.io.File.pathSeparator + "/usr/bin";
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        String message = "'" + name + "' is not installed: install Debian's package with"
                + " 'apt-get install -y prometheus' (.ci/run does)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
        return null;
    }
}
