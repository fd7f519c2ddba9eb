package io.github.roleprobe.testkit.internal;

import com.sun.net.httpserver.HttpExchange;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Authenticates a SigV4 header-signed request the way an AWS service front end does, in AWS's order:
 * an {@code Authorization} header, a known access key with its own session token, a credential scope
 * of this service and region, a valid signature with an {@code X-Amz-Date} within 15 minutes of the
 * service's clock, and unexpired credentials. Each endpoint maps the {@link Failure} to its own
 * protocol's error. Stateless apart from its configuration; thread-safe.
 */
public final class SignedRequestCheck {

    /** Why a request was not authenticated, in the order the checks run. */
    public enum Failure {
        /** No {@code Authorization} header. */
        MISSING_AUTHENTICATION,
        /** An {@code Authorization} header that is not a SigV4 header. */
        INCOMPLETE_SIGNATURE,
        /** Unknown access key id, or a session token missing or not the key's own. */
        INVALID_CLIENT_TOKEN,
        /** Scope region is not the service's region. */
        WRONG_REGION,
        /** Scope service is not this service's signing name. */
        WRONG_SERVICE,
        /** The signature, its date or its clock skew is wrong; {@link Outcome#detail()} says which. */
        SIGNATURE_DOES_NOT_MATCH,
        /** The credentials are past their expiration. */
        EXPIRED_TOKEN
    }

    /**
     * What the check found.
     *
     * @param signer  the credentials the header's access key id belongs to, if the simulator issued it
     *                (present for most failures too, so that a request can be attributed to an identity)
     * @param failure why the request is rejected, or null if it is authenticated
     * @param detail  an AWS-style message for {@code failure} (null when authenticated)
     */
    public record Outcome(Optional<IssuedCredentials> signer, Failure failure, String detail) {

        /** @return whether the request is authenticated */
        public boolean authenticated() {
            return failure == null;
        }
    }

    private final CredentialRegistry registry;
    private final String region;
    private final String service;

    /**
     * @param registry knows every access key the simulator issued
     * @param region   the only region a valid scope may name
     * @param service  the service's signing name, e.g. {@code sts} or {@code sqs}
     */
    public SignedRequestCheck(CredentialRegistry registry, String region, String service) {
        this.registry = registry;
        this.region = region;
        this.service = service;
    }

    /** @return the region a valid credential scope names */
    public String region() {
        return region;
    }

    /**
     * @param exchange the request (headers, method, path and query are read, not the body)
     * @return the credentials its {@code Authorization} header names, if the simulator issued them
     */
    public Optional<IssuedCredentials> signer(HttpExchange exchange) {
        return SigV4.parse(exchange.getRequestHeaders().getFirst("Authorization"))
                .flatMap(a -> registry.find(a.accessKeyId()));
    }

    /**
     * Runs every check.
     *
     * @param exchange the request
     * @param body     its body, already read
     * @param now      the service's clock: {@code X-Amz-Date} must be within 15 minutes of it, and
     *                 the credentials must not have expired by it
     * @return the outcome; never null
     */
    public Outcome check(HttpExchange exchange, byte[] body, Instant now) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null) {
            return new Outcome(Optional.empty(), Failure.MISSING_AUTHENTICATION, "Request is missing Authentication Token");
        }
        Optional<SigV4.Authorization> auth = SigV4.parse(header);
        if (auth.isEmpty()) {
            return new Outcome(Optional.empty(), Failure.INCOMPLETE_SIGNATURE,
                    "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters");
        }
        Optional<IssuedCredentials> signer = registry.find(auth.get().accessKeyId());
        String token = exchange.getRequestHeaders().getFirst("X-Amz-Security-Token");
        if (signer.isEmpty() || token == null || !token.equals(signer.get().sessionToken())) {
            return new Outcome(signer, Failure.INVALID_CLIENT_TOKEN, "The security token included in the request is invalid.");
        }
        if (!region.equals(auth.get().region())) {
            return new Outcome(signer, Failure.WRONG_REGION, auth.get().region() + "/" + auth.get().service());
        }
        if (!service.equals(auth.get().service())) {
            return new Outcome(signer, Failure.WRONG_SERVICE, auth.get().region() + "/" + auth.get().service());
        }
        Optional<String> badSignature = SigV4.verify(auth.get(), signer.get().secretAccessKey(),
                exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(),
                name -> {
                    List<String> v = exchange.getRequestHeaders().get(name);
                    return v == null ? null : List.copyOf(v);
                }, body, now);
        if (badSignature.isPresent()) {
            return new Outcome(signer, Failure.SIGNATURE_DOES_NOT_MATCH, badSignature.get());
        }
        if (!now.isBefore(signer.get().expiration())) {
            return new Outcome(signer, Failure.EXPIRED_TOKEN, "The security token included in the request is expired");
        }
        return new Outcome(signer, null, null);
    }
}
