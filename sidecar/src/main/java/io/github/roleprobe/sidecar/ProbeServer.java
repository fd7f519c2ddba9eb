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
import java.time.Duration;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The sidecar's HTTP endpoints, on the JDK's {@link HttpServer}, each exchange on a pool of threads made on demand
 * (a client that sends part of a request holds one of them for at most {@link #MAX_REQUEST_TIME}, and up to
 * {@link #MAX_EXCHANGES} − 1 such clients at once, one thread being left for the others, hold none of the others'
 * answers; SidecarCommandsIT). Every answer is read from the verifier's latest snapshot: a probe never resolves
 * credentials, never calls STS, never waits.
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

    /**
     * The JDK server's limit on reading one request (its request line, headers and body), in whole seconds, read once
     * per JVM when the first {@link HttpServer} is created (jdk.httpserver, {@code sun.net.httpserver.ServerConfig});
     * past it the server closes the connection. Without it (the JDK's default: no limit) a client that sends part of a
     * request holds its thread for as long as it keeps the connection open.
     */
    static final String MAX_REQUEST_TIME_PROPERTY = "sun.net.httpserver.maxReqTime";
    /** Our value of {@link #MAX_REQUEST_TIME_PROPERTY}, unless it is set already: a probe sends its request at once. */
    static final Duration MAX_REQUEST_TIME = Duration.ofSeconds(5);
    /**
     * At most this many exchanges on the pool at once (threads are made only while that many are in progress);
     * beyond them, on the server's dispatcher thread, where a partial request holds the other answers for up to
     * {@link #MAX_REQUEST_TIME}.
     */
    static final int MAX_EXCHANGES = 32;
    /** Connections the kernel queues before the server accepts them (the JDK's default, 50, varies by platform). */
    static final int BACKLOG = 128;

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
        if (System.getProperty(MAX_REQUEST_TIME_PROPERTY) == null) {
            System.setProperty(MAX_REQUEST_TIME_PROPERTY, Long.toString(MAX_REQUEST_TIME.toSeconds()));
        }
        HttpServer server = HttpServer.create(address, BACKLOG);
        server.setExecutor(exchanges());
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

    /**
     * The exchanges' threads. The JDK server reads each request on its executor; without one it reads on its single
     * dispatcher thread, so one connection that sent part of a request (a port scanner, a client that died mid-request)
     * held every other answer, the kubelet's probes included, until that client closed it. Threads are made on demand
     * (none while idle for a minute), daemon, at most {@link #MAX_EXCHANGES}; an exchange that finds all of them busy
     * (or one just finishing its exchange) runs on the dispatcher thread, as without a pool, rather than being refused.
     */
    private static ThreadPoolExecutor exchanges() {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(0, MAX_EXCHANGES, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "role-probe-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
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
