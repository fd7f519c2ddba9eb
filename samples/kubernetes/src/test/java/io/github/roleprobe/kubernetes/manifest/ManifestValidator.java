package io.github.roleprobe.kubernetes.manifest;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1ValidatingAdmissionPolicy;
import io.kubernetes.client.openapi.models.V1ValidatingAdmissionPolicyBinding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Validates rendered objects with maintained schemas, never with hand-written field checks:
 * <ul>
 *   <li>core Kubernetes kinds: the official Kubernetes Java client's generated models
 *       ({@code io.kubernetes:client-java-api}), whose Gson adapters reject fields the API does not
 *       define, values of the wrong JSON type and missing required fields, at every nesting level
 *       (client 24 is generated from Kubernetes 1.32's OpenAPI, which has
 *       {@code admissionregistration.k8s.io/v1} ValidatingAdmissionPolicy and its binding);</li>
 *   <li>custom resources (ACK {@code PodIdentityAssociation}): the CRD's own {@code openAPIV3Schema}
 *       ({@code crds/}), validated by networknt json-schema-validator in its OpenAPI 3.0 dialect, with the
 *       API server's structural-schema rule that a field not in the schema is unknown (kubectl's default
 *       {@code --validate=strict} rejects it) and the object's metadata validated as
 *       {@code ObjectMeta};</li>
 *   <li>Argo CD kinds: {@code @kubernetes-models/argo-cd}, generated from Argo CD's CRDs, run by Node
 *       ({@link #validateArgoCd(List)}).</li>
 * </ul>
 */
public final class ManifestValidator {

    @FunctionalInterface
    private interface Parser {
        Object parse(String json) throws IOException;
    }

    private static final Map<String, Parser> CORE = Map.of(
            "v1/ServiceAccount", V1ServiceAccount::fromJson,
            "v1/Service", V1Service::fromJson,
            "v1/ConfigMap", V1ConfigMap::fromJson,
            "v1/Namespace", V1Namespace::fromJson,
            "apps/v1/Deployment", V1Deployment::fromJson,
            "batch/v1/Job", V1Job::fromJson,
            "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy", V1ValidatingAdmissionPolicy::fromJson,
            "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding", V1ValidatingAdmissionPolicyBinding::fromJson,
            "rbac.authorization.k8s.io/v1/Role", V1Role::fromJson,
            "rbac.authorization.k8s.io/v1/RoleBinding", V1RoleBinding::fromJson);

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30());
    private static final Map<Path, JsonNode> CRDS = new ConcurrentHashMap<>();

    private ManifestValidator() {
    }

    /**
     * @param obj a rendered object
     * @return the problems found, empty when valid
     */
    public static List<String> validate(JsonNode obj) {
        String apiVersion = obj.path("apiVersion").asString("");
        String kind = obj.path("kind").asString("");
        String id = apiVersion + "/" + kind + " " + obj.path("metadata").path("name").asString("?");
        Parser core = CORE.get(apiVersion + "/" + kind);
        if (core != null) {
            return parse(core, Yamls.JSON.writeValueAsString(obj), id);
        }
        if (apiVersion.startsWith("argoproj.io/")) {
            return validateArgoCd(List.of(obj));
        }
        Path crd = crdFor(apiVersion, kind);
        if (crd == null) {
            return List.of(id + ": no schema known for this kind (add its CRD to crds/ or its model here)");
        }
        return validateCustomResource(obj, crd);
    }

    private static List<String> parse(Parser parser, String json, String id) {
        try {
            parser.parse(json);
            return List.of();
        } catch (IOException | RuntimeException e) {
            return List.of(id + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static Path crdFor(String apiVersion, String kind) {
        try (var files = Files.list(Kit.crdDir())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                JsonNode spec = crd(f).path("spec");
                if (apiVersion.startsWith(spec.path("group").asString("") + "/")
                        && kind.equals(spec.path("names").path("kind").asString(""))) {
                    return f;
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode crd(Path file) {
        return CRDS.computeIfAbsent(file, f -> {
            try {
                return Yamls.documents(Files.readString(f)).get(0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * Validates a custom resource against its CRD.
     *
     * @param obj the object
     * @param crdFile the CustomResourceDefinition YAML
     * @return the problems found, empty when valid
     */
    public static List<String> validateCustomResource(JsonNode obj, Path crdFile) {
        JsonNode crd = crd(crdFile);
        String apiVersion = obj.path("apiVersion").asString("");
        String id = apiVersion + "/" + obj.path("kind").asString("") + " " + obj.path("metadata").path("name").asString("?");
        String group = crd.path("spec").path("group").asString("");
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        JsonNode schemaNode = null;
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("name").asString("").equals(version) && v.path("served").asBoolean(false)) {
                schemaNode = v.path("schema").path("openAPIV3Schema");
            }
        }
        List<String> problems = new ArrayList<>();
        if (!apiVersion.startsWith(group + "/") || schemaNode == null || schemaNode.isMissingNode()) {
            return List.of(id + ": version " + version + " is not served by " + crdFile.getFileName());
        }
        ObjectNode schema = (ObjectNode) schemaNode.deepCopy();
        // metadata is validated as ObjectMeta below, as the API server does.
        if (schema.path("properties") instanceof ObjectNode props) {
            props.remove("metadata");
        }
        structural(schema);
        ObjectNode body = (ObjectNode) obj.deepCopy();
        JsonNode metadata = body.remove("metadata");
        Schema validator = REGISTRY.getSchema(schema);
        for (Error error : validator.validate(body)) {
            problems.add(id + ": " + error.getInstanceLocation() + ": " + error.getMessage());
        }
        if (metadata == null || !metadata.isObject()) {
            problems.add(id + ": metadata missing");
        } else {
            problems.addAll(parse(V1ObjectMeta::fromJson, Yamls.JSON.writeValueAsString(metadata), id + " metadata"));
            if ("Namespaced".equals(crd.path("spec").path("scope").asString(""))
                    && metadata.path("namespace").asString("").isEmpty()) {
                problems.add(id + ": namespaced kind without metadata.namespace");
            }
        }
        return problems;
    }

    /**
     * The API server prunes fields a structural schema does not declare, and rejects them under
     * field validation Strict (kubectl's default): declare every object without
     * {@code additionalProperties} and without {@code x-kubernetes-preserve-unknown-fields} closed.
     */
    private static void structural(JsonNode node) {
        if (!(node instanceof ObjectNode schema)) {
            return;
        }
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (schema.has("properties") && !schema.has("additionalProperties") && !preserve) {
            schema.put("additionalProperties", false);
        }
        for (JsonNode p : schema.path("properties")) {
            structural(p);
        }
        structural(schema.path("items"));
        structural(schema.path("additionalProperties"));
    }

    /**
     * Validates Argo CD objects with {@code @kubernetes-models/argo-cd} (generated from Argo CD's CRDs)
     * in {@code src/test/node}. Fails when Node or the package is missing.
     *
     * @param objects the objects
     * @return the problems found, empty when valid
     */
    public static List<String> validateArgoCd(List<JsonNode> objects) {
        Path nodeDir = Kit.nodeDir();
        Path node = Kustomize.findOnPath("node").orElseThrow(() -> new AssertionError(
                "node not found on PATH: the Argo CD Application check runs @kubernetes-models/argo-cd on Node.js 20"
                        + " (Debian: apt-get install nodejs npm)."));
        if (!Files.isDirectory(nodeDir.resolve("node_modules/@kubernetes-models/argo-cd"))) {
            throw new AssertionError(nodeDir + "/node_modules is missing: the build runs `npm ci` there"
                    + " (profile npm-ci) unless tests are skipped; run it by hand or rebuild without -DskipTests.");
        }
        try {
            Process p = new ProcessBuilder(node.toString(), "validate-argocd.mjs")
                    .directory(nodeDir.toFile())
                    .redirectErrorStream(true)
                    .start();
            try (var in = p.getOutputStream()) {
                in.write(Yamls.JSON.writeValueAsString(objects).getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("validate-argocd.mjs did not finish within 60 s");
            }
            if (p.exitValue() == 0) {
                return List.of();
            }
            List<String> problems = out.lines().filter(l -> !l.startsWith("OK ")).toList();
            return problems.isEmpty() ? List.of("validate-argocd.mjs exited " + p.exitValue() + ": " + out) : problems;
        } catch (IOException e) {
            throw new AssertionError("cannot run node: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
