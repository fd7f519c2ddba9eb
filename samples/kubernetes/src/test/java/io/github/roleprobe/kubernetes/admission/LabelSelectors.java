package io.github.roleprobe.kubernetes.admission;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A {@code metav1.LabelSelector} as the API server matches it ({@code matchLabels} and
 * {@code matchExpressions} with {@code In}, {@code NotIn}, {@code Exists}, {@code DoesNotExist}, all
 * ANDed). An absent selector, as an empty one, matches everything.
 */
public final class LabelSelectors {

    private LabelSelectors() {
    }

    /**
     * @param selector a LabelSelector, or a missing node
     * @param labels   the labels of the object
     * @return whether the selector selects the labels
     */
    public static boolean matches(JsonNode selector, Map<String, String> labels) {
        if (selector == null || selector.isMissingNode() || selector.isNull()) {
            return true;
        }
        for (Map.Entry<String, JsonNode> e : selector.path("matchLabels").properties()) {
            if (!e.getValue().asString().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (JsonNode r : selector.path("matchExpressions")) {
            String key = r.path("key").asString();
            Set<String> values = new HashSet<>();
            r.path("values").forEach(v -> values.add(v.asString()));
            boolean has = labels.containsKey(key);
            boolean ok = switch (r.path("operator").asString()) {
                case "In" -> has && values.contains(labels.get(key));
                case "NotIn" -> !has || !values.contains(labels.get(key));
                case "Exists" -> has;
                case "DoesNotExist" -> !has;
                default -> throw new AssertionError("unknown label selector operator in " + r);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param object an object, or null
     * @return its metadata.labels
     */
    public static Map<String, String> labels(JsonNode object) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (object != null) {
            for (Map.Entry<String, JsonNode> e : object.path("metadata").path("labels").properties()) {
                labels.put(e.getKey(), e.getValue().asString());
            }
        }
        return labels;
    }
}
