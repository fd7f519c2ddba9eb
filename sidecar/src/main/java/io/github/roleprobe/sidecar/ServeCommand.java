package io.github.roleprobe.sidecar;

import io.github.roleprobe.verify.IdentityVerifier;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code role-probe serve}: starts the probe server ({@link ProbeServer}), then the verifier, and runs until SIGTERM
 * (or SIGINT), when a shutdown hook stops the server (exchanges in progress get up to 1 s) and closes the verifier;
 * the JVM then exits with 143 (128 + SIGTERM). The server answers before the first attempt has finished
 * ({@code PENDING}: readiness and startup 503, liveness 200). Prints one line with the address once it listens.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Verify continuously and serve /startupz, /readyz, /livez, /details and /metrics until SIGTERM.")
final class ServeCommand extends SidecarCommand {

    /** The line printed once the server listens, followed by {@code host:port}. */
    static final String LISTENING = "role-probe serving /startupz /readyz /livez /details /metrics on ";

    @Option(names = "--port", defaultValue = "9090", converter = PortConverter.class,
            description = "Port to listen on (default ${DEFAULT-VALUE}; 0: any free port, printed).")
    int port;

    @Option(names = "--address", defaultValue = "0.0.0.0",
            description = "Address to listen on (default ${DEFAULT-VALUE}: the kubelet probes the pod IP).")
    String address;

    /** Reads {@code --port}: 0 to 65535; anything else is a usage error, not a port the server cannot listen on. */
    static final class PortConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int port;
            try {
                port = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a port: a whole number from 0 to"
                        + " 65535 (0: any free port). Example: --port=9090");
            }
            return port;
        }
    }

    ServeCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    public Integer call() throws InterruptedException {
        PrometheusMeterRegistry registry = SidecarVerifier.prometheusRegistry();
        IdentityVerifier verifier = verifier(config -> SidecarVerifier.createWithMetrics(config, registry));
        if (verifier == null) {
            return ExitCodes.USAGE;
        }
        ProbeServer server;
        try {
            server = ProbeServer.start(new InetSocketAddress(address, port), verifier, registry);
        } catch (IOException | IllegalArgumentException e) {
            verifier.close();
            err.println("role-probe: cannot listen on " + address + ":" + port + ": " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            verifier.close();
            err.println("role-probe: stopped");
            stop.countDown();
        }, "role-probe-shutdown"));
        verifier.start();
        out.println(LISTENING + address + ":" + server.port());
        out.flush();
        stop.await();
        return ExitCodes.VERIFIED;
    }
}
