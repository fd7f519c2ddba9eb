package io.github.roleprobe.testkit.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import io.github.roleprobe.testkit.StsFailure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Regional STS, Query protocol: {@code GetCallerIdentity} (SigV4-signed; the caller is found by its
 * access key id, its session token and signature are checked) and {@code AssumeRoleWithWebIdentity}
 * (unsigned; the web identity token must be the one the simulator wrote). Supports injected
 * latency, queued failures and an outage switch. Thread-safe.
 */
public final class Sts implements HttpHandler {

    private static final String XML = "text/xml";
    /** How far ahead of the request's {@code X-Amz-Date} STS's clock is for a queued clock-skew failure. */
    private static final Duration QUEUED_SKEW = Duration.ofMinutes(20);

    private final ScenarioConfig config;
    private final CredentialRegistry registry;
    private final Counters counters;
    private final RequestHolds holds;
    private final Clock clock;
    private final String webIdentityToken;
    private final String oidcProvider;
    private final SignedRequestCheck authentication;
    private final ConcurrentLinkedQueue<StsFailure> pendingFailures = new ConcurrentLinkedQueue<>();
    private volatile boolean down;

    /**
     * @param config           scenario (region, latency, first failures, IRSA role)
     * @param registry         identifies callers and mints web identity credentials
     * @param counters         request counters
     * @param holds            ends latency waits on close
     * @param clock            STS's own clock (the simulator's clock plus its STS clock offset): judges
     *                         {@code X-Amz-Date} (15 minutes either way) and credential expiry
     * @param webIdentityToken the IRSA token file's content, or null without IRSA
     * @param oidcProvider     the cluster's OIDC provider ({@code oidc.eks.<region>.amazonaws.com/id/<id>})
     */
    public Sts(ScenarioConfig config, CredentialRegistry registry, Counters counters, RequestHolds holds, Clock clock,
               String webIdentityToken, String oidcProvider) {
        this.config = config;
        this.registry = registry;
        this.counters = counters;
        this.holds = holds;
        this.clock = clock;
        this.webIdentityToken = webIdentityToken;
        this.oidcProvider = oidcProvider;
        this.authentication = new SignedRequestCheck(registry, config.region(), "sts");
        failNext(config.stsFailFirst(), config.stsFailFirstWith());
    }

    /**
     * Queues failures for the next requests (after those already queued).
     *
     * @param count   how many requests fail
     * @param failure how they fail
     */
    public void failNext(int count, StsFailure failure) {
        for (int i = 0; i < count; i++) {
            pendingFailures.add(failure);
        }
    }

    /** @param isDown true to answer 503 to every request until set back to false */
    public void down(boolean isDown) {
        down = isDown;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        counters.stsStarted();
        try {
            counters.stsRequests.incrementAndGet();
            byte[] body = Exchanges.readBody(exchange);
            Map<String, String> params = Exchanges.decodeForm(exchange.getRequestURI().getRawQuery());
            params.putAll(Exchanges.decodeForm(new String(body, StandardCharsets.UTF_8)));
            String action = params.getOrDefault("Action", "");
            if ("GetCallerIdentity".equals(action)) {
                counters.stsGetCallerIdentity(exchange.getRequestHeaders().getFirst("User-Agent"));
            } else if ("AssumeRoleWithWebIdentity".equals(action)) {
                counters.stsAssumeRoleWithWebIdentity.incrementAndGet();
            }
            if (!config.stsLatency().isZero()) {
                holds.hold(config.stsLatency());
            }
            String requestId = UUID.randomUUID().toString();
            if (down) {
                answer(exchange, StsFailure.SERVICE_UNAVAILABLE_503, requestId);
                return;
            }
            StsFailure failure = pendingFailures.poll();
            if (failure != null) {
                answer(exchange, failure, requestId);
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod()) && !"GET".equals(exchange.getRequestMethod())) {
                error(exchange, 405, true, "InvalidAction", "Unsupported HTTP method", requestId);
                return;
            }
            switch (action) {
                case "GetCallerIdentity" -> getCallerIdentity(exchange, body, requestId);
                case "AssumeRoleWithWebIdentity" -> assumeRoleWithWebIdentity(exchange, params, requestId);
                case "" -> error(exchange, 400, true, "MissingAction", "Missing Action", requestId);
                default -> error(exchange, 400, true, "InvalidAction",
                        "Could not find operation " + action + " for version 2011-06-15", requestId);
            }
        } finally {
            counters.stsFinished();
        }
    }

    private void getCallerIdentity(HttpExchange exchange, byte[] body, String requestId) throws IOException {
        SignedRequestCheck.Outcome outcome = authentication.check(exchange, body, clock.instant());
        if (!outcome.authenticated()) {
            rejected(exchange, outcome, requestId);
            return;
        }
        Exchanges.send(exchange, 200, XML, StsXml.getCallerIdentity(outcome.signer().orElseThrow(), requestId));
    }

    private static void rejected(HttpExchange exchange, SignedRequestCheck.Outcome outcome, String requestId)
            throws IOException {
        switch (outcome.failure()) {
            case MISSING_AUTHENTICATION -> error(exchange, 403, true, "MissingAuthenticationToken", outcome.detail(), requestId);
            case INCOMPLETE_SIGNATURE -> error(exchange, 400, true, "IncompleteSignature", outcome.detail(), requestId);
            case INVALID_CLIENT_TOKEN -> error(exchange, 403, true, "InvalidClientTokenId", outcome.detail(), requestId);
            case WRONG_REGION, WRONG_SERVICE -> error(exchange, 403, true, "SignatureDoesNotMatch",
                    "Credential should be scoped to a valid region and service, not '" + outcome.detail() + "'.", requestId);
            case SIGNATURE_DOES_NOT_MATCH -> error(exchange, 403, true, "SignatureDoesNotMatch", outcome.detail(), requestId);
            case EXPIRED_TOKEN -> error(exchange, 400, true, "ExpiredToken", outcome.detail(), requestId);
            default -> throw new IllegalStateException("unknown failure " + outcome.failure());
        }
    }

    private void assumeRoleWithWebIdentity(HttpExchange exchange, Map<String, String> params, String requestId)
            throws IOException {
        String roleArn = params.get("RoleArn");
        String sessionName = params.get("RoleSessionName");
        String token = params.get("WebIdentityToken");
        if (roleArn == null || sessionName == null || token == null) {
            error(exchange, 400, true, "MissingParameter",
                    "RoleArn, RoleSessionName and WebIdentityToken are required", requestId);
            return;
        }
        if (!sessionName.matches("[\\w+=,.@-]{2,64}")) {
            error(exchange, 400, true, "ValidationError", "1 validation error detected: Value at 'roleSessionName' "
                    + "failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", requestId);
            return;
        }
        if (webIdentityToken == null || !webIdentityToken.equals(token)) {
            error(exchange, 400, true, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider, "
                    + "please reference AssumeRoleWithWebIdentity documentation for requirements", requestId);
            return;
        }
        if (!roleArn.equals(config.irsaRoleArn())) {
            error(exchange, 403, true, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", requestId);
            return;
        }
        IssuedCredentials c = registry.issue(roleArn, sessionName);
        Exchanges.send(exchange, 200, XML, StsXml.assumeRoleWithWebIdentity(c,
                "system:serviceaccount:default:" + config.podName(), "sts.amazonaws.com", oidcProvider, requestId));
    }

    private void answer(HttpExchange exchange, StsFailure failure, String requestId) throws IOException {
        switch (failure) {
            case THROTTLING -> error(exchange, 400, true, "Throttling", "Rate exceeded", requestId);
            case INTERNAL_ERROR_500 -> error(exchange, 500, false, "InternalFailure",
                    "The request processing has failed because of an unknown error, exception or failure.", requestId);
            case SERVICE_UNAVAILABLE_503 -> error(exchange, 503, false, "ServiceUnavailable",
                    "Service is unavailable. Please try again later.", requestId);
            case EXPIRED_TOKEN -> error(exchange, 400, true, "ExpiredToken",
                    "The security token included in the request is expired", requestId);
            case CLOCK_SKEW_SIGNATURE_EXPIRED -> {
                String sent = exchange.getRequestHeaders().getFirst("X-Amz-Date");
                Instant signedAt = SigV4.parseAmzDate(sent).orElse(null);
                if (signedAt == null) {
                    signedAt = clock.instant();
                    sent = SigV4.amzDate(signedAt);
                }
                error(exchange, 403, true, "SignatureDoesNotMatch",
                        SigV4.skewMessage(sent, signedAt, signedAt.plus(QUEUED_SKEW)).orElseThrow(), requestId);
            }
            case REQUEST_EXPIRED -> error(exchange, 400, true, "RequestExpired", "Request has expired.", requestId);
            case MALFORMED -> Exchanges.send(exchange, 200, XML,
                    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>"
                            .getBytes(StandardCharsets.UTF_8));
            default -> throw new IllegalStateException("unknown failure " + failure);
        }
    }

    private static void error(HttpExchange exchange, int status, boolean sender, String code, String message,
                              String requestId) throws IOException {
        exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
        Exchanges.send(exchange, status, XML, StsXml.error(sender, code, message, requestId));
    }
}
