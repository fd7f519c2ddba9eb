package io.github.roleprobe.kubernetes.sim;

import io.github.roleprobe.kubernetes.manifest.Yamls;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** Reads role-probe's details (state, stateSince, expectedRoles, ...) from a framework's health JSON. */
public final class HealthBody {

    private HealthBody() {
    }

    /**
     * @param body  a health response body
     * @param field a details field, e.g. {@code state}
     * @return the first value of that field anywhere in the JSON, if any
     */
    public static Optional<JsonNode> field(String body, String field) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = Yamls.JSON.readTree(body);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        Deque<JsonNode> todo = new ArrayDeque<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            JsonNode n = todo.poll();
            if (n.isObject() && n.has(field)) {
                return Optional.of(n.get(field));
            }
            n.values().forEach(todo::add);
        }
        return Optional.empty();
    }

    /**
     * @param body a health response body
     * @return role-probe's state, e.g. VERIFIED, or empty
     */
    public static String state(String body) {
        return field(body, "state").map(n -> n.asString("")).orElse("");
    }

    /**
     * @param body a health response body
     * @return the state with its wrong-identity kind, e.g. WRONG_IDENTITY/NODE_ROLE
     */
    public static String fullState(String body) {
        String s = state(body);
        return field(body, "wrongIdentity").map(n -> s + "/" + n.asString("")).orElse(s);
    }
}
