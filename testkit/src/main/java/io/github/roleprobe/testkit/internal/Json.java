package io.github.roleprobe.testkit.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes the simulator's JSON documents with Jackson's streaming generator (values escaped). Thread-safe. */
public final class Json {

    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {
    }

    /**
     * @param instant a point in time
     * @return ISO-8601 UTC with whole seconds, e.g. {@code 2026-01-01T06:00:00Z}
     */
    public static String iso(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * The EKS Pod Identity agent's credential document.
     *
     * @param c the credentials
     * @return {@code {"AccessKeyId","SecretAccessKey","Token","AccountId","Expiration"}}
     */
    public static byte[] agentCredentials(IssuedCredentials c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("AccessKeyId", c.accessKeyId());
        m.put("SecretAccessKey", c.secretAccessKey());
        m.put("Token", c.sessionToken());
        m.put("AccountId", c.accountId());
        m.put("Expiration", iso(c.expiration()));
        return object(m);
    }

    /**
     * The IMDS instance-profile credential document.
     *
     * @param c           the credentials
     * @param lastUpdated when they were minted
     * @return {@code {"Code":"Success","LastUpdated","Type":"AWS-HMAC","AccessKeyId",...}}
     */
    public static byte[] imdsCredentials(IssuedCredentials c, Instant lastUpdated) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Code", "Success");
        m.put("LastUpdated", iso(lastUpdated));
        m.put("Type", "AWS-HMAC");
        m.put("AccessKeyId", c.accessKeyId());
        m.put("SecretAccessKey", c.secretAccessKey());
        m.put("Token", c.sessionToken());
        m.put("Expiration", iso(c.expiration()));
        return object(m);
    }

    /**
     * @param code    error code
     * @param message human-readable message
     * @return {@code {"Code":code,"Message":message}}
     */
    public static byte[] error(String code, String message) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Code", code);
        m.put("Message", message);
        return object(m);
    }

    /**
     * @param fields names and values, in order; a value of type {@link Long} is written as a number
     * @return a flat JSON object
     */
    public static byte[] object(Map<String, ?> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, ?> e : fields.entrySet()) {
                if (e.getValue() instanceof Long l) {
                    g.writeNumberField(e.getKey(), l);
                } else {
                    g.writeStringField(e.getKey(), String.valueOf(e.getValue()));
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Writes a JSON document of any depth.
     *
     * @param value a {@link Map} (keys in iteration order), {@link List}, {@link String}, {@link Number},
     *              {@link Boolean} or null, nested in any way
     * @return its JSON encoding
     * @throws IllegalArgumentException for a value of another type
     */
    public static byte[] tree(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof List<?> list) {
            g.writeStartArray();
            for (Object item : list) {
                write(g, item);
            }
            g.writeEndArray();
        } else if (value instanceof String text) {
            g.writeString(text);
        } else if (value instanceof Long || value instanceof Integer) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Number n) {
            g.writeNumber(n.doubleValue());
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }
}
