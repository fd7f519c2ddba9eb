package io.github.roleprobe.sidecar;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.roleprobe.verify.IdentityVerifier;
import io.github.roleprobe.verify.VerificationSnapshot;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The sidecar's HTTP endpoints, on the JDK's {@link HttpServer} with its single dispatcher thread. Every answer is
 * read from the verifier's latest snapshot: a probe never resolves credentials, never calls STS, never waits.
 *
 * <ul>
 *   <li>{@code /startupz}: 200 from the first {@code VERIFIED} on (for a native sidecar's startup probe, which holds
 *       the application containers until it passes), else 503;</li>
 *   <li>{@code /readyz}: 200 while {@code VERIFIED} (stale included), else 503, as the starters' readiness;</li>
 *   <li>{@code /livez}: core's liveness ({@link VerificationSnapshot#live}), as the starters': 503 only for a
 *       restart-fixable wrong identity past {@code role-probe.liveness-grace}. The sidecar verifies the SDK default
 *       chain, built afresh for every attempt ({@link SidecarVerifier}), so none of its wrong identities is: 200 in
 *       every state, while the process answers;</li>
 *   <li>{@code /details}: always 200.</li>
 * </ul>
 * Each answers the snapshot's details as JSON ({@code status} {@code UP} or {@code DOWN} first, then state, reason,
 * remedy, caller ARN, credential source, masked access key id, ...: never a secret). {@code /metrics} answers the
 * role_probe_* meters in the Prometheus text format.
 *
 * <p>Thread-safe. {@link #stop()} stops accepting and closes the server.
 */
final class ProbeServer {

    private final HttpServer server;

    private ProbeServer(HttpServer server) {
        this.server = server;
    }

    /**
     * Binds and starts the server.
     *
     * @param address where to listen (port 0: an ephemeral port, see {@link #port()})
     * @param verifier read on every probe
     * @param registry scraped by {@code /metrics}
     * @return the running server
     * @throws IOException when the address cannot be bound
     */
    static ProbeServer start(InetSocketAddress address, IdentityVerifier verifier, PrometheusMeterRegistry registry)
            throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        probe(server, "/startupz", verifier, s -> s.firstVerified().isPresent());
        probe(server, "/readyz", verifier, VerificationSnapshot::ready);
        probe(server, "/livez", verifier, s -> s.live(verifier.clock()));
        server.createContext("/details", exchange -> answer(exchange, 200, "application/json",
                DetailsJson.write(null, verifier.snapshot().details())));
        server.createContext("/metrics", exchange -> answer(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape().getBytes(StandardCharsets.UTF_8)));
        server.start();
        return new ProbeServer(server);
    }

    private static void probe(HttpServer server, String path, IdentityVerifier verifier,
                              Function<VerificationSnapshot, Boolean> up) {
        server.createContext(path, exchange -> {
            VerificationSnapshot s = verifier.snapshot();
            boolean ok = up.apply(s);
            answer(exchange, ok ? 200 : 503, "application/json", DetailsJson.write(ok ? "UP" : "DOWN", s.details()));
        });
    }

    private static void answer(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    /** @return the port listened on */
    int port() {
        return server.getAddress().getPort();
    }

    /** Stops accepting connections, lets exchanges in progress finish for up to 1 s, and closes the server. */
    void stop() {
        server.stop(1);
    }
}
