package io.github.roleprobe.spring;

import java.util.Map;

/**
 * One answer of a health endpoint as the test saw it over HTTP.
 *
 * @param path the path asked
 * @param status the HTTP status code
 * @param body the raw body, scanned for secrets
 * @param json the parsed body
 */
record HealthResponse(String path, int status, String body, Map<String, Object> json) {

    /** @return the {@code status} field: UP, DOWN, OUT_OF_SERVICE */
    String healthStatus() {
        return (String) json.get("status");
    }

    /** @return the {@code details} of a single component answer (such as {@code /actuator/health/roleProbe}) */
    @SuppressWarnings("unchecked")
    Map<String, Object> details() {
        return json.get("details") instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    /** @return the {@code clients} detail (the application's SDK clients the request guard saw), or an empty list */
    @SuppressWarnings("unchecked")
    java.util.List<Map<String, Object>> clients() {
        return details().get("clients") instanceof java.util.List<?> list
                ? (java.util.List<Map<String, Object>>) list : java.util.List.of();
    }

    /** @return the {@code state} detail, or null when hidden */
    String state() {
        return (String) details().get("state");
    }

    /** @return the named component of an aggregate answer, or an empty map when absent */
    @SuppressWarnings("unchecked")
    Map<String, Object> component(String name) {
        if (!(json.get("components") instanceof Map<?, ?> all) || !(all.get(name) instanceof Map<?, ?> component)) {
            return Map.of();
        }
        return (Map<String, Object>) component;
    }

    @Override
    public String toString() {
        return path + " -> " + status + " " + body;
    }
}
