package io.github.roleprobe.testkit.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Regional Amazon SQS in the AWS JSON 1.0 protocol, as the AWS SDK for Java 2.x speaks it:
 * {@code POST /} with {@code X-Amz-Target: AmazonSQS.<Operation>} and a JSON body, SigV4-signed for the
 * service {@code sqs}. Errors are JSON {@code {"__type", "message"}} with the query-compatible
 * {@code x-amzn-query-error: <code>;Sender} header the SDK takes the error code from. Every request is
 * counted, and attributed to the caller its access key belongs to (even when it is rejected later, for
 * example for a bad signature). Thread-safe.
 */
public final class Sqs implements HttpHandler {

    /** The {@code Content-Type} of requests and answers. */
    public static final String JSON = "application/x-amz-json-1.0";

    private static final String TARGET_PREFIX = "AmazonSQS.";

    private final Counters counters;
    private final Clock clock;
    private final SignedRequestCheck authentication;
    private final SqsOperations operations;

    /**
     * @param region   the only region a valid signature scope may name
     * @param registry identifies callers
     * @param counters request counters
     * @param clock    SQS's clock (judges {@code X-Amz-Date} and credential expiry)
     * @param queues   the queues
     */
    public Sqs(String region, CredentialRegistry registry, Counters counters, Clock clock, SqsQueues queues) {
        this.counters = counters;
        this.clock = clock;
        this.authentication = new SignedRequestCheck(registry, region, "sqs");
        this.operations = new SqsOperations(queues);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Optional<IssuedCredentials> signer = authentication.signer(exchange);
        counters.sqsRequest(signer.map(IssuedCredentials::callerArn).orElse(null));
        String requestId = UUID.randomUUID().toString();
        try {
            byte[] body = Exchanges.readBody(exchange);
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String operation = target != null && target.startsWith(TARGET_PREFIX)
                    ? target.substring(TARGET_PREFIX.length()) : null;
            if (!"POST".equals(exchange.getRequestMethod()) || operation == null
                    || !SqsOperations.NAMES.contains(operation)) {
                throw new SqsFault(400, "com.amazon.coral.service#UnknownOperationException", null,
                        "Unknown operation " + (target == null ? "(no X-Amz-Target)" : target));
            }
            SignedRequestCheck.Outcome outcome = authentication.check(exchange, body, clock.instant());
            if (!outcome.authenticated()) {
                throw rejected(outcome);
            }
            Map<String, Object> input;
            try {
                input = JsonInput.object(body);
            } catch (IOException e) {
                throw new SqsFault(400, "com.amazon.coral.service#SerializationException", null,
                        "The request body is not a JSON object");
            }
            String baseUrl = "http://127.0.0.1:" + exchange.getLocalAddress().getPort();
            Map<String, Object> output = operations.run(operation, input, outcome.signer().orElseThrow(), baseUrl,
                    clock.instant());
            exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
            Exchanges.send(exchange, 200, JSON, Json.tree(output));
        } catch (SqsFault fault) {
            counters.sqsRejected.incrementAndGet();
            exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
            if (fault.queryCode() != null) {
                exchange.getResponseHeaders().set("x-amzn-query-error", fault.queryCode() + ";Sender");
            }
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("__type", fault.type());
            error.put("message", fault.getMessage());
            Exchanges.send(exchange, fault.status(), JSON, Json.tree(error));
        }
    }

    private static SqsFault rejected(SignedRequestCheck.Outcome outcome) {
        String coral = "com.amazon.coral.service#";
        return switch (outcome.failure()) {
            case MISSING_AUTHENTICATION -> new SqsFault(403, coral + "MissingAuthenticationTokenException",
                    "MissingAuthenticationToken", outcome.detail());
            case INCOMPLETE_SIGNATURE -> new SqsFault(400, coral + "IncompleteSignatureException", "IncompleteSignature",
                    outcome.detail());
            case INVALID_CLIENT_TOKEN -> new SqsFault(403, coral + "UnrecognizedClientException", "InvalidClientTokenId",
                    outcome.detail());
            case WRONG_REGION -> new SqsFault(403, coral + "InvalidSignatureException", "SignatureDoesNotMatch",
                    "Credential should be scoped to a valid region.");
            case WRONG_SERVICE -> new SqsFault(403, coral + "InvalidSignatureException", "SignatureDoesNotMatch",
                    "Credential should be scoped to correct service: 'sqs'.");
            case SIGNATURE_DOES_NOT_MATCH -> new SqsFault(403, coral + "InvalidSignatureException", "SignatureDoesNotMatch",
                    outcome.detail());
            case EXPIRED_TOKEN -> new SqsFault(403, coral + "ExpiredTokenException", "ExpiredToken", outcome.detail());
        };
    }

    /** @return a short description for diagnostics */
    @Override
    public String toString() {
        return "Sqs[region=" + authentication.region() + "]";
    }
}
