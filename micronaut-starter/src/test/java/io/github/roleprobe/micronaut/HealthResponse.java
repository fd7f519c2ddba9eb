package io.github.roleprobe.micronaut;

import java.util.Map;

/**
 * One answer of a health endpoint as the test saw it over HTTP.
 *
 * @param status the HTTP status code
 * @param body the raw body, scanned for secrets
 * @param json the parsed body
 */
record HealthResponse(int status, String body, Map<String, Object> json) {

    /** @return the role-probe readiness indicator's details, or an empty map when hidden */
    Map<String, Object> roleProbe() {
        return indicatorDetails(RoleProbeReadinessIndicator.NAME);
    }

    /** @return the role-probe liveness indicator's details, or an empty map when hidden */
    Map<String, Object> roleProbeLiveness() {
        return indicatorDetails(RoleProbeLivenessIndicator.NAME);
    }

    /** @return the {@code state} detail of the readiness indicator, or null when hidden */
    String state() {
        return (String) roleProbe().get("state");
    }

    /** @return the {@code status} field of the aggregated result */
    String healthStatus() {
        return (String) json.get("status");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> indicator(String name) {
        Object details = json.get("details");
        if (!(details instanceof Map<?, ?> all) || !(all.get(name) instanceof Map<?, ?> indicator)) {
            return Map.of();
        }
        return (Map<String, Object>) indicator;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> indicatorDetails(String name) {
        Object details = indicator(name).get("details");
        return details instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    @Override
    public String toString() {
        return status + " " + body;
    }
}
