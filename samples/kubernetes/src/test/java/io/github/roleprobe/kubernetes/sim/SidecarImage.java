package io.github.roleprobe.kubernetes.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The role-probe sidecar as its container image runs it (sidecar/Dockerfile): the packaged executable jar of module
 * {@code sidecar/} with the JVM flags of {@code sidecar/jvm.flags}, and the container's args from the rendered
 * manifest. The container port is mapped to a loopback port as for the samples ({@link SampleApp}): the
 * {@code --port} value becomes 0, {@code --address 127.0.0.1} is added, and the port the kernel picked is read from
 * the line {@code serve} prints once it listens.
 *
 * @param jar      the executable jar
 * @param jvmFlags the JVM flags file
 */
public record SidecarImage(Path jar, Path jvmFlags) {

    private static final Pattern LISTENING = Pattern.compile("role-probe serving .* on 127\\.0\\.0\\.1:(\\d+)");

    /** @return the jar and flags the build passes ({@code roleprobe.sidecarJar}, {@code roleprobe.sidecarJvmFlags}) */
    public static SidecarImage fromBuild() {
        return new SidecarImage(
                Path.of(System.getProperty("roleprobe.sidecarJar", "../../sidecar/target/role-probe-sidecar-0.1.0-SNAPSHOT.jar")),
                Path.of(System.getProperty("roleprobe.sidecarJvmFlags", "../../sidecar/jvm.flags")));
    }

    /**
     * @param args the container's args from the rendered manifest, e.g. {@code [serve, --port, 9090]}
     * @return the command line
     * @throws AssertionError if the jar was not built or the args are not {@code serve}'s
     */
    public List<String> command(List<String> args) {
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("missing " + jar.toAbsolutePath().normalize() + ": build it first, e.g."
                    + " ./mvnw -pl samples/kubernetes -am verify (the reactor packages the sidecar before this module)");
        }
        if (args.isEmpty() || !args.get(0).equals("serve")) {
            throw new AssertionError("only role-probe serve is simulated as a native sidecar: " + args);
        }
        List<String> cmd = new ArrayList<>(List.of(AppProcess.java(), "@" + jvmFlags.toAbsolutePath(), "-jar",
                jar.toAbsolutePath().toString()));
        for (int i = 0; i < args.size(); i++) {
            cmd.add(args.get(i));
            if (args.get(i).equals("--port") && i + 1 < args.size()) {
                cmd.add("0");
                i++;
            }
        }
        cmd.addAll(List.of("--address", "127.0.0.1"));
        return cmd;
    }

    /**
     * @param log the container's log
     * @return the loopback port {@code serve} printed it listens on, 0 while it has not
     */
    public static int portFrom(Path log) {
        try {
            Matcher m = LISTENING.matcher(new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
