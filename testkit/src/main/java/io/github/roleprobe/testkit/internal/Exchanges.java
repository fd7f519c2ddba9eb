package io.github.roleprobe.testkit.internal;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small helpers around {@link HttpExchange}: reading bodies and forms, writing answers. Stateless. */
public final class Exchanges {

    private Exchanges() {
    }

    /**
     * Sends a complete answer and closes the exchange.
     *
     * @param exchange    the exchange
     * @param status      HTTP status code
     * @param contentType Content-Type header value
     * @param body        the body (may be empty)
     * @throws IOException if the client went away
     */
    public static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        try {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } finally {
            exchange.close();
        }
    }

    /**
     * Sends a plain-text answer and closes the exchange.
     *
     * @param exchange the exchange
     * @param status   HTTP status code
     * @param text     the body
     * @throws IOException if the client went away
     */
    public static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        send(exchange, status, "text/plain", text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads the request body completely, up to 1 MiB.
     *
     * @param exchange the exchange
     * @return the body bytes
     * @throws IOException if reading fails or the body is larger than 1 MiB
     */
    public static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(1 << 20);
            if (in.read() != -1) {
                throw new IOException("request body larger than 1 MiB");
            }
            return body;
        }
    }

    /**
     * Decodes {@code application/x-www-form-urlencoded} text (a body or a raw query string).
     *
     * @param form the encoded text, may be null
     * @return the parameters in order; for a repeated name the last value wins
     */
    public static Map<String, String> decodeForm(String form) {
        Map<String, String> params = new LinkedHashMap<>();
        if (form == null || form.isEmpty()) {
            return params;
        }
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return params;
    }
}
