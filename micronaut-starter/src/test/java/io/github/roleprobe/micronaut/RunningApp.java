package io.github.roleprobe.micronaut;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A Micronaut application with the Netty server on a random loopback port and an HTTP client pointed at it.
 * Every body fetched is kept for the secret scan. Thread-safe for requests.
 */
final class RunningApp implements AutoCloseable {

    static final Duration DEADLINE = Duration.ofSeconds(15);

    private final EmbeddedServer server;
    private final HttpClient client;
    private final JsonMapper json;
    private final List<String> bodies = new CopyOnWriteArrayList<>();

    private RunningApp(EmbeddedServer server) {
        this.server = server;
        this.client = server.getApplicationContext().createBean(HttpClient.class, server.getURL());
        this.json = server.getApplicationContext().getBean(JsonMapper.class);
    }

    /**
     * Starts the application; the simulator's system properties must be set already.
     *
     * @param properties configuration, on top of a random port on 127.0.0.1
     * @param singletons beans to register before start, for example a {@code PodEnvironment}
     * @return the running application
     */
    static RunningApp start(Map<String, Object> properties, Object... singletons) {
        return serve(startContext(properties, singletons));
    }

    /**
     * Starts the application context only, not its server.
     *
     * @param properties configuration, on top of a random port on 127.0.0.1
     * @param singletons beans to register before start
     * @return the started context; its {@link EmbeddedServer} bean is not started
     */
    static ApplicationContext startContext(Map<String, Object> properties, Object... singletons) {
        Map<String, Object> all = new HashMap<>();
        all.put("micronaut.server.port", -1); // Micronaut 4.10 binds port 0 for -1 (NettyHttpServer.bind): no race
        all.put("micronaut.server.host", "127.0.0.1");
        all.putAll(properties);
        return ApplicationContext.builder()
                .deduceEnvironment(false)
                .properties(all)
                .singletons(singletons)
                .start();
    }

    /**
     * Starts the server of a started context; closes the context if that fails.
     *
     * @param context from {@link #startContext}
     * @return the running application
     */
    static RunningApp serve(ApplicationContext context) {
        try {
            EmbeddedServer server = context.getBean(EmbeddedServer.class);
            server.start();
            return new RunningApp(server);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    ApplicationContext context() {
        return server.getApplicationContext();
    }

    HealthResponse get(String path) {
        int status;
        String body;
        try {
            HttpResponse<String> response = client.toBlocking().exchange(HttpRequest.GET(path), String.class);
            status = response.code();
            body = response.body();
        } catch (HttpClientResponseException e) {
            status = e.code();
            body = e.getResponse().getBody(String.class).orElse("");
        }
        bodies.add(body);
        try {
            return new HealthResponse(status, body, json.readValue(body, Argument.mapOf(String.class, Object.class)));
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + body, e);
        }
    }

    /**
     * Fetches a text body (not JSON), kept for the secret scan like every other body.
     *
     * @param path for example {@code /prometheus}
     * @return the body; any status
     */
    String getText(String path) {
        String body;
        try {
            body = client.toBlocking().exchange(HttpRequest.GET(path), String.class).body();
        } catch (HttpClientResponseException e) {
            body = e.getResponse().getBody(String.class).orElse("");
        }
        bodies.add(body);
        return body == null ? "" : body;
    }

    /**
     * Polls a text body until {@code condition} holds, at most {@link #DEADLINE}.
     *
     * @return the first body that satisfied the condition
     */
    String awaitText(String path, Predicate<String> condition) {
        Instant deadline = Instant.now().plus(DEADLINE);
        String last;
        do {
            last = getText(path);
            if (condition.test(last)) {
                return last;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("condition not met within " + DEADLINE + "; last body of " + path + ": " + last);
    }

    HealthResponse readiness() {
        return get("/health/readiness");
    }

    HealthResponse liveness() {
        return get("/health/liveness");
    }

    /**
     * Polls {@code path} until {@code condition} holds, at most {@link #DEADLINE}.
     *
     * @param observed every response seen, in order, including the last
     * @return the first response that satisfied the condition
     * @throws AssertionError with the last response when the deadline passed
     */
    HealthResponse awaitOn(String path, Predicate<HealthResponse> condition, List<HealthResponse> observed) {
        Instant deadline = Instant.now().plus(DEADLINE);
        HealthResponse last;
        do {
            last = get(path);
            observed.add(last);
            if (condition.test(last)) {
                return last;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("condition not met within " + DEADLINE + "; last answer of " + path + ": " + last);
    }

    HealthResponse awaitReadiness(Predicate<HealthResponse> condition) {
        return awaitOn("/health/readiness", condition, new CopyOnWriteArrayList<>());
    }

    HealthResponse awaitLiveness(Predicate<HealthResponse> condition) {
        return awaitOn("/health/liveness", condition, new CopyOnWriteArrayList<>());
    }

    /** @return every body fetched so far */
    List<String> bodies() {
        return List.copyOf(bodies);
    }

    @Override
    public void close() {
        client.close();
        server.getApplicationContext().close();
    }
}
