package io.github.roleprobe.kubernetes.sim;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A container's env as the kubelet resolves it for one pod: literal values, and {@code valueFrom.fieldRef} of the
 * pod's {@code metadata.name} and {@code metadata.namespace} (the downward API fields the kit uses, in its
 * self-eviction component). Any other {@code valueFrom} is not simulated and fails the test.
 */
public final class DownwardApi {

    private DownwardApi() {
    }

    /**
     * @param container a container of the pod
     * @param pod       the pod (its metadata.name and metadata.namespace are read)
     * @return the env, in the container's order
     * @throws AssertionError for a {@code valueFrom} other than those fields
     */
    public static Map<String, String> env(JsonNode container, JsonNode pod) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode e : container.path("env")) {
            String name = e.path("name").asString();
            if (!e.has("valueFrom")) {
                env.put(name, e.path("value").asString(""));
                continue;
            }
            String field = e.path("valueFrom").path("fieldRef").path("fieldPath").asString("");
            switch (field) {
                case "metadata.name" -> env.put(name, pod.path("metadata").path("name").asString());
                case "metadata.namespace" -> env.put(name, pod.path("metadata").path("namespace").asString());
                default -> throw new AssertionError("env " + name + " uses valueFrom " + e.path("valueFrom")
                        + ": not simulated");
            }
        }
        return env;
    }
}
