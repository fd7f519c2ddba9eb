package io.github.roleprobe.testkit.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import io.github.roleprobe.testkit.AgentFailure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The EKS Pod Identity agent: {@code GET /v1/credentials} with the raw projected token in
 * {@code Authorization}, answering the association's role credentials (or its target role's) once
 * the association is effective, unless an outage makes every request fail. Thread-safe.
 */
public final class PodIdentityAgent implements HttpHandler {

    /** The path the SDKs are pointed at. */
    public static final String PATH = "/v1/credentials";

    /** The longest session of a role assumed with another role's session (STS role chaining). */
    private static final Duration ROLE_CHAINING_MAX = Duration.ofHours(1);

    private static final String BAD_GATEWAY_PAGE = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
            + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

    private final ScenarioConfig config;
    private final String token;
    private final CredentialRegistry registry;
    private final Counters counters;
    private final RequestHolds holds;
    private final Clock clock;
    private final Instant consistentAt;
    private final AtomicInteger authorizedRequests = new AtomicInteger();
    private volatile boolean forcedConsistent;
    private volatile AgentFailure outage;
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
        this.outage = config.agentOutage();
    }

    /**
     * @param failure how every request fails from now on, whatever the association's state; null to end
     *                the outage
     */
    public void setOutage(AgentFailure failure) {
        outage = failure;
    }

    /** @return the current outage, or null if there is none */
    public AgentFailure outage() {
        return outage;
    }

    /** Makes the association effective now, whatever was configured. */
    public void makeConsistent() {
        forcedConsistent = true;
    }

    /** From now on the agent hands out a newly minted key pair (earlier ones stay valid in STS). */
    public synchronized void rotate() {
        current = null;
    }

    /**
     * @return the credentials the agent hands out now, minted on first use: a session
     *     {@code eks-<cluster>-<pod>-<uuid>} (at most 64 characters) of the association's role, or of its
     *     target role if it has one (then expiring after at most one hour, as role chaining allows)
     */
    public synchronized IssuedCredentials currentCredentials() {
        if (current == null) {
            String session = "eks-" + config.clusterName() + "-" + config.podName() + "-" + UUID.randomUUID();
            session = session.length() > 64 ? session.substring(0, 64) : session;
            String target = config.podIdentityTargetRoleArn();
            if (target == null) {
                current = registry.issue(config.podIdentityRoleArn(), session);
            } else {
                Duration lifetime = config.credentialsLifetime().compareTo(ROLE_CHAINING_MAX) < 0
                        ? config.credentialsLifetime() : ROLE_CHAINING_MAX;
                current = registry.issue(target, session, clock.instant().plus(lifetime));
            }
        }
        return current;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        counters.agentRequests.incrementAndGet();
        AgentFailure down = outage;
        if (down != null) {
            fail(exchange, down, "the EKS Pod Identity agent is unavailable");
            return;
        }
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
            fail(exchange, config.agentFailure(), "Unable to assume role " + config.podIdentityRoleArn()
                    + " for the Pod Identity association: the association is not effective yet");
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

    private void fail(HttpExchange exchange, AgentFailure failure, String message) throws IOException {
        switch (failure) {
            case FORBIDDEN_403 -> Exchanges.send(exchange, 403, "application/json",
                    Json.error("AccessDeniedException", message));
            case SERVER_ERROR_500 -> Exchanges.send(exchange, 500, "application/json",
                    Json.error("InternalServerException", message));
            case NOT_FOUND_404 -> Exchanges.send(exchange, 404, "application/json", Json.error("NotFound", message));
            case BAD_GATEWAY_502_HTML -> Exchanges.send(exchange, 502, "text/html",
                    BAD_GATEWAY_PAGE.getBytes(StandardCharsets.US_ASCII));
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
        return "PodIdentityAgent[role=" + config.podIdentityRoleArn() + ", target=" + config.podIdentityTargetRoleArn()
                + ", outage=" + outage + ", consistentAt=" + consistentAt
                + ", failFirst=" + config.consistentAfterRequests() + ", hold=" + Duration.from(config.requestHold()) + "]";
    }
}
