package io.github.roleprobe.kubernetes.manifest;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** YAML and JSON reading with Jackson 3 (the one json-schema-validator brings). */
public final class Yamls {

    /** Reads YAML. */
    public static final YAMLMapper YAML = YAMLMapper.builder().build();
    /** Writes JSON. */
    public static final ObjectMapper JSON = JsonMapper.builder().build();

    private Yamls() {
    }

    /**
     * @param text YAML, possibly several documents separated by {@code ---}
     * @return the non-empty documents
     */
    public static List<JsonNode> documents(String text) {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }
}
