package io.github.roleprobe.sidecar;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;

/**
 * Writes a snapshot's details ({@code VerificationSnapshot.details()}: strings, numbers, booleans, lists and maps,
 * no secrets) as JSON, with the AWS SDK's own JSON writer (json-utils, which core already brings). Stateless.
 */
final class DetailsJson {

    private DetailsJson() {
    }

    /**
     * @param status {@code UP} or {@code DOWN}, written first as {@code status}; {@code null} to leave it out
     * @param details the details
     * @return UTF-8 JSON, one object
     */
    static byte[] write(String status, Map<String, Object> details) {
        JsonWriter w = JsonWriter.create();
        w.writeStartObject();
        if (status != null) {
            w.writeFieldName("status");
            w.writeValue(status);
        }
        fields(w, details);
        w.writeEndObject();
        return w.getBytes();
    }

    private static void fields(JsonWriter w, Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            w.writeFieldName(String.valueOf(e.getKey()));
            value(w, e.getValue());
        }
    }

    private static void value(JsonWriter w, Object v) {
        if (v == null) {
            w.writeNull();
        } else if (v instanceof Boolean b) {
            w.writeValue(b);
        } else if (v instanceof Long || v instanceof Integer) {
            w.writeValue(((Number) v).longValue());
        } else if (v instanceof Number n) {
            w.writeValue(n.doubleValue());
        } else if (v instanceof Map<?, ?> m) {
            w.writeStartObject();
            fields(w, m);
            w.writeEndObject();
        } else if (v instanceof List<?> l) {
            w.writeStartArray();
            l.forEach(item -> value(w, item));
            w.writeEndArray();
        } else {
            w.writeValue(String.valueOf(v));
        }
    }
}
