package io.github.roleprobe.diagnosis;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * Asks the EKS Pod Identity agent once, as the SDK's container credentials provider does ({@code GET} on
 * {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} with the token as {@code Authorization}), to learn what the chain's
 * message does not say: the status, whether the answer is the agent's own (JSON or plain text) or an HTML page, or
 * that the connection was refused or hung. One request, no retry, at most {@link #CONNECT_TIMEOUT} plus
 * {@link #READ_TIMEOUT}. The answer's credentials, if any, are discarded unread.
 */
final class AgentCheck {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    private static final int MAX_BODY = 4096;

    private AgentCheck() {
    }

    /** What the agent did. */
    enum Kind { ANSWERED_OK, ANSWERED_ERROR, ANSWERED_HTML, REFUSED, NO_ANSWER, NOT_REACHED }

    /**
     * What the agent did, in words for a reason, and the HTTP status it answered with.
     *
     * @param kind what the agent did
     * @param text what it did, in stable words
     * @param status the HTTP status, or 0 when the agent did not answer
     */
    record Answer(Kind kind, String text, int status) {
        Answer(Kind kind, String text) {
            this(kind, text, 0);
        }
    }

    static Answer ask(URI uri, String token) {
        String where = hostPort(uri);
        SdkHttpClient http = UrlConnectionHttpClient.builder()
                .connectionTimeout(CONNECT_TIMEOUT).socketTimeout(READ_TIMEOUT).build();
        try {
            SdkHttpFullRequest request = SdkHttpFullRequest.builder().uri(uri).method(SdkHttpMethod.GET)
                    .putHeader("Authorization", token).putHeader("Accept", "application/json").build();
            ExecutableHttpRequest call = http.prepareRequest(HttpExecuteRequest.builder().request(request).build());
            HttpExecuteResponse response = call.call();
            int status = response.httpResponse().statusCode();
            String contentType = response.httpResponse().firstMatchingHeader("Content-Type").orElse("")
                    .toLowerCase(Locale.ROOT);
            String body = "";
            if (response.responseBody().isPresent()) {
                try (InputStream in = response.responseBody().get()) {
                    body = new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
                }
            }
            if (status / 100 == 2) {
                return new Answer(Kind.ANSWERED_OK, "the agent at " + where + " answers " + status + " now", status);
            }
            String trimmed = body.strip();
            if (contentType.contains("html") || trimmed.startsWith("<")) {
                return new Answer(Kind.ANSWERED_HTML, "the agent at " + where + " answered " + status
                        + " with an HTML page, not an answer of the EKS Pod Identity agent", status);
            }
            Optional<String> message = message(trimmed);
            return new Answer(Kind.ANSWERED_ERROR, "the agent at " + where + " answered " + status
                    + message.map(m -> ": \"" + SdkText.shorten(SdkText.stable(m), 300) + "\"").orElse(""), status);
        } catch (ConnectException e) {
            return new Answer(Kind.REFUSED, "nothing accepts connections at " + where + " (connection refused)");
        } catch (SocketTimeoutException e) {
            boolean connect = e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("connect");
            return connect
                    ? new Answer(Kind.NOT_REACHED, "no connection to " + where + " within "
                            + CONNECT_TIMEOUT.toMillis() + " ms")
                    : new Answer(Kind.NO_ANSWER, "the agent at " + where + " accepted the connection but did not answer"
                            + " within " + READ_TIMEOUT.toMillis() + " ms");
        } catch (IOException | RuntimeException e) {
            return new Answer(Kind.NOT_REACHED, "the agent at " + where + " could not be asked ("
                    + e.getClass().getSimpleName() + ")");
        } finally {
            http.close();
        }
    }

    /** The agent's error text: the {@code message} field of a JSON answer, else the first line of plain text. */
    private static Optional<String> message(String body) {
        if (body.isEmpty()) {
            return Optional.empty();
        }
        if (body.startsWith("{")) {
            try {
                JsonNode node = JsonNode.parser().parse(body);
                for (String field : new String[] {"message", "Message", "error"}) {
                    JsonNode m = node.field(field).orElse(null);
                    if (m != null && m.isString()) {
                        return Optional.of(m.asString());
                    }
                }
            } catch (RuntimeException e) {
                // not JSON after all: show the text
            }
        }
        int nl = body.indexOf('\n');
        return Optional.of(nl < 0 ? body : body.substring(0, nl));
    }

    static String hostPort(URI uri) {
        int port = uri.getPort() >= 0 ? uri.getPort() : ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
        return uri.getHost() + ":" + port;
    }
}
