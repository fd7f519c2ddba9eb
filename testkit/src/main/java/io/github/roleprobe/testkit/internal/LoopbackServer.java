package io.github.roleprobe.testkit.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One JDK {@link HttpServer} on 127.0.0.1 with its own bounded pool of daemon threads, so that a
 * held request on one endpoint never blocks another endpoint. Thread-safe.
 */
public final class LoopbackServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    private LoopbackServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts a server.
     *
     * @param name    thread name prefix
     * @param port    port to bind on 127.0.0.1, 0 for an ephemeral one (a fixed one only from a
     *                {@link ReservedPort}: a port found free and bound later can be taken meanwhile)
     * @param threads the most requests handled at once (further ones queue)
     * @param handler handles every path
     * @return the running server
     * @throws UncheckedIOException if the port cannot be bound
     */
    public static LoopbackServer start(String name, int port, int threads, HttpHandler handler) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
            AtomicInteger n = new AtomicInteger();
            ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(executor);
            server.createContext("/", new Guarded(handler));
            server.start();
            return new LoopbackServer(server, executor);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " on 127.0.0.1:" + port, e);
        }
    }

    /** @return the bound port */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops listening at once and drops pending requests. Idempotent. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Turns a handler's unexpected exception into a 500 instead of a silently dropped connection. */
    private record Guarded(HttpHandler delegate) implements HttpHandler {
        @Override
        public void handle(HttpExchange exchange) throws IOException {
            try {
                delegate.handle(exchange);
            } catch (IOException e) {
                exchange.close();
            } catch (RuntimeException e) {
                try {
                    Exchanges.sendText(exchange, 500, "simulator error: " + e.getClass().getSimpleName());
                } catch (IOException | RuntimeException ignored) {
                    exchange.close();
                }
            }
        }
    }
}
