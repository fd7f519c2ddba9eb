package io.github.roleprobe.spring;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.spi.json.JsonProvider;

/**
 * HTTP probes against the application on 127.0.0.1. Every body fetched is kept for the secret scan. Thread-safe.
 */
final class Probes {

    static final Duration DEADLINE = Duration.ofSeconds(15);
    static final String READINESS = "/actuator/health/readiness";
    static final String LIVENESS = "/actuator/health/liveness";
    static final String ROLE_PROBE = "/actuator/health/" + RoleProbeHealthIndicator.NAME;
    static final String HEALTH = "/actuator/health";

    /** JsonPath's JSON reader (json-smart), in spring-boot-starter-test on every Boot line. */
    private static final JsonProvider JSON = Configuration.defaultConfiguration().jsonProvider();

    private final URI base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> bodies;

    Probes(int port, List<String> bodies) {
        this.base = URI.create("http://127.0.0.1:" + port);
        this.bodies = bodies;
    }

    @SuppressWarnings("unchecked")
    HealthResponse get(String path) {
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve(path))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            bodies.add(body);
            Map<String, Object> json = body.isEmpty() ? Map.of() : (Map<String, Object>) JSON.parse(body);
            return new HealthResponse(path, response.statusCode(), body, json);
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    HealthResponse readiness() {
        return get(READINESS);
    }

    HealthResponse liveness() {
        return get(LIVENESS);
    }

    HealthResponse roleProbe() {
        return get(ROLE_PROBE);
    }

    /** One poll: the readiness probe, then the role-probe component with its details. */
    record Observation(HealthResponse readiness, HealthResponse roleProbe) {
        String state() {
            return roleProbe.state();
        }

        @Override
        public String toString() {
            return readiness.status() + " " + roleProbe.body();
        }
    }

    Observation observe() {
        return new Observation(readiness(), roleProbe());
    }

    /**
     * Polls until {@code condition} holds, at most {@link #DEADLINE}, every 50 ms.
     *
     * @param observed every observation, in order, including the last
     * @return the first observation that satisfied the condition
     */
    Observation await(Predicate<Observation> condition, List<Observation> observed) {
        return poll(this::observe, condition, observed);
    }

    Observation await(Predicate<Observation> condition) {
        return await(condition, new ArrayList<>());
    }

    HealthResponse awaitOn(String path, Predicate<HealthResponse> condition) {
        return poll(() -> get(path), condition, new ArrayList<>());
    }

    static <T> T poll(java.util.function.Supplier<T> probe, Predicate<T> condition, List<T> observed) {
        Instant deadline = Instant.now().plus(DEADLINE);
        T last;
        do {
            last = probe.get();
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
        throw new AssertionError("condition not met within " + DEADLINE + "; last: " + last);
    }

    static List<String> newBodyLog() {
        return new CopyOnWriteArrayList<>();
    }
}
