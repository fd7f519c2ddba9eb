package io.github.roleprobe.testkit.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads JSON request bodies into plain maps and lists with Jackson's streaming parser. Thread-safe. */
public final class JsonInput {

    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonInput() {
    }

    /**
     * @param body a JSON object, UTF-8; an empty body counts as {@code {}}
     * @return its members in order: nested objects as {@link Map}, arrays as {@link List}, strings as
     *     {@link String}, integers as {@link Long}, other numbers as {@link Double}, booleans as
     *     {@link Boolean}, {@code null} as null
     * @throws IOException if the body is not one well-formed JSON object
     */
    public static Map<String, Object> object(byte[] body) throws IOException {
        if (body.length == 0) {
            return new LinkedHashMap<>();
        }
        try (JsonParser p = FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            Map<String, Object> result = readObject(p);
            if (p.nextToken() != null) {
                throw new IOException("trailing content after the JSON object");
            }
            return result;
        }
    }

    private static Map<String, Object> readObject(JsonParser p) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            map.put(name, readValue(p));
        }
        return map;
    }

    private static Object readValue(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new IOException("unexpected end of JSON");
        }
        return switch (t) {
            case START_OBJECT -> readObject(p);
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(readValue(p));
                }
                yield list;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected JSON token " + t);
        };
    }
}
