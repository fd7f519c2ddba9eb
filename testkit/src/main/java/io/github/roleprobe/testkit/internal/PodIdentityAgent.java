package io.github.roleprobe.testkit.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import io.github.roleprobe.testkit.AgentFailure;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The EKS Pod Identity agent: {@code GET /v1/credentials} with the raw projected token in
 * {@code Authorization}, answering the association's target-role credentials once the association
 * is effective. Thread-safe.
 */
public final class PodIdentityAgent implements HttpHandler {

    /** The path the SDKs are pointed at. */
    public static final String PATH = "/v1/credentials";

    private final ScenarioConfig config;
    private final String token;
    private final CredentialRegistry registry;
    private final Counters counters;
    private final RequestHolds holds;
    private final Clock clock;
    private final Instant consistentAt;
    private final AtomicInteger authorizedRequests = new AtomicInteger();
    private volatile boolean forcedConsistent;
    private IssuedCredentials current;

    /**
     * @param config    scenario (role, consistency, failure mode)
     * @param token     the token written to the token file; the only accepted {@code Authorization}
     * @param registry  mints credentials
     * @param counters  request counters
     * @param holds     releases held requests on close
     * @param clock     time source
     * @param startedAt when the simulator started (consistency delay counts from here)
     */
    public PodIdentityAgent(ScenarioConfig config, String token, CredentialRegistry registry, Counters counters,
                            RequestHolds holds, Clock clock, Instant startedAt) {
        this.config = config;
        this.token = token;
        this.registry = registry;
        this.counters = counters;
        this.holds = holds;
        this.clock = clock;
        this.consistentAt = config.consistentAfter() == null ? null : startedAt.plus(config.consistentAfter());
    }

    /** Makes the association effective now, whatever was configured. */
    public void makeConsistent() {
        forcedConsistent = true;
    }

    /** From now on the agent hands out a newly minted key pair (earlier ones stay valid in STS). */
    public synchronized void rotate() {
        current = null;
    }

    /** @return the credentials the agent hands out now, minted on first use */
    public synchronized IssuedCredentials currentCredentials() {
        if (current == null) {
            String session = "eks-" + config.clusterName() + "-" + config.podName() + "-" + UUID.randomUUID();
            current = registry.issue(config.podIdentityRoleArn(), session.length() > 64 ? session.substring(0, 64) : session);
        }
        return current;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        counters.agentRequests.incrementAndGet();
        if (!PATH.equals(exchange.getRequestURI().getPath())) {
            Exchanges.send(exchange, 404, "application/json", Json.error("NotFound", "Not found"));
            return;
        }
        if (!"GET".equals(exchange.getRequestMethod())) {
            Exchanges.send(exchange, 405, "application/json", Json.error("MethodNotAllowed", "Method not allowed"));
            return;
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || authorization.isEmpty()) {
            Exchanges.send(exchange, 401, "application/json",
                    Json.error("AccessDeniedException", "Authorization header is missing"));
            return;
        }
        if (!authorization.equals(token)) {
            Exchanges.send(exchange, 403, "application/json",
                    Json.error("AccessDeniedException", "Service account token is invalid"));
            return;
        }
        int n = authorizedRequests.incrementAndGet();
        if (!isConsistent(n)) {
            fail(exchange);
            return;
        }
        Exchanges.send(exchange, 200, "application/json", Json.agentCredentials(currentCredentials()));
    }

    private boolean isConsistent(int requestNumber) {
        if (forcedConsistent) {
            return true;
        }
        boolean timeOk = consistentAt == null || !clock.instant().isBefore(consistentAt);
        boolean countOk = requestNumber > config.consistentAfterRequests();
        return timeOk && countOk;
    }

    private void fail(HttpExchange exchange) throws IOException {
        AgentFailure failure = config.agentFailure();
        String message = "Unable to assume role " + config.podIdentityRoleArn()
                + " for the Pod Identity association: the association is not effective yet";
        switch (failure) {
            case FORBIDDEN_403 -> Exchanges.send(exchange, 403, "application/json",
                    Json.error("AccessDeniedException", message));
            case SERVER_ERROR_500 -> Exchanges.send(exchange, 500, "application/json",
                    Json.error("InternalServerException", message));
            case TIMEOUT -> {
                holds.hold(config.requestHold());
                exchange.close();
            }
            default -> throw new IllegalStateException("unknown failure " + failure);
        }
    }

    /** @return a short description for diagnostics, without secrets */
    @Override
    public String toString() {
        return "PodIdentityAgent[role=" + config.podIdentityRoleArn() + ", consistentAt=" + consistentAt
                + ", failFirst=" + config.consistentAfterRequests() + ", hold=" + Duration.from(config.requestHold()) + "]";
    }
}
