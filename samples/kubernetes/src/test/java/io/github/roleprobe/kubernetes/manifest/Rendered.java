package io.github.roleprobe.kubernetes.manifest;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * One rendered overlay and the parts of it the tests read.
 *
 * @param dir     the kustomization, relative to the kit
 * @param objects the rendered objects
 */
public record Rendered(Path dir, List<JsonNode> objects) {

    /** The container that runs the sample app in every Deployment of the kit. */
    public static final String APP_CONTAINER = "app";

    /**
     * @param dir a kustomization relative to {@link Kit#dir()}
     * @return its rendering
     */
    public static Rendered of(Path dir) {
        return new Rendered(dir, Kustomize.render(Kit.dir().resolve(dir)));
    }

    /**
     * @param kind a kind
     * @return the objects of that kind
     */
    public List<JsonNode> all(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asString(""))).toList();
    }

    /**
     * @param kind a kind
     * @return the single object of that kind, if any
     * @throws AssertionError if there are several
     */
    public Optional<JsonNode> one(String kind) {
        List<JsonNode> all = all(kind);
        if (all.size() > 1) {
            throw new AssertionError(dir + " renders " + all.size() + " " + kind + " objects; expected at most one");
        }
        return all.stream().findFirst();
    }

    /** @return the Deployment */
    public JsonNode deployment() {
        return one("Deployment").orElseThrow(() -> new AssertionError(dir + " renders no Deployment"));
    }

    /** @return the Deployment's app container */
    public JsonNode appContainer() {
        for (JsonNode c : deployment().path("spec").path("template").path("spec").path("containers")) {
            if (APP_CONTAINER.equals(c.path("name").asString(""))) {
                return c;
            }
        }
        throw new AssertionError(dir + ": the Deployment has no container named " + APP_CONTAINER);
    }

    /**
     * @param name an init container's name
     * @return the Deployment's init container of that name
     */
    public JsonNode initContainer(String name) {
        for (JsonNode c : deployment().path("spec").path("template").path("spec").path("initContainers")) {
            if (name.equals(c.path("name").asString(""))) {
                return c;
            }
        }
        throw new AssertionError(dir + ": the Deployment has no init container named " + name);
    }

    /** @return the app container's literal env values, in order (valueFrom entries are not simulated) */
    public Map<String, String> appEnv() {
        return env(appContainer());
    }

    /**
     * @param container a container of the Deployment
     * @return its literal env values, in order (valueFrom entries are not simulated)
     */
    public static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode e : container.path("env")) {
            if (e.has("valueFrom")) {
                throw new AssertionError("env " + e.path("name").asString() + " uses valueFrom: not simulated");
            }
            env.put(e.path("name").asString(), e.path("value").asString(""));
        }
        return env;
    }

    /** @return the startup probe */
    public ProbeSpec startupProbe() {
        return probe("startupProbe");
    }

    /** @return the liveness probe */
    public ProbeSpec livenessProbe() {
        return probe("livenessProbe");
    }

    /** @return the readiness probe */
    public ProbeSpec readinessProbe() {
        return probe("readinessProbe");
    }

    private ProbeSpec probe(String field) {
        return probe(appContainer(), field);
    }

    /**
     * @param container a container of the Deployment
     * @param field {@code startupProbe}, {@code livenessProbe} or {@code readinessProbe}
     * @return that probe of the container
     */
    public ProbeSpec probe(JsonNode container, String field) {
        JsonNode p = container.path(field);
        if (p.isMissingNode()) {
            throw new AssertionError(dir + ": container " + container.path("name").asString("?") + " has no " + field);
        }
        return ProbeSpec.of(p, container);
    }

    /** @return the PodIdentityAssociation, if the overlay has one */
    public Optional<JsonNode> association() {
        return one("PodIdentityAssociation");
    }

    /** @return the ServiceAccount */
    public JsonNode serviceAccount() {
        return one("ServiceAccount").orElseThrow(() -> new AssertionError(dir + " renders no ServiceAccount"));
    }

    /** @return the IRSA role of the ServiceAccount's eks.amazonaws.com/role-arn annotation, if any */
    public Optional<String> irsaRoleArn() {
        JsonNode v = serviceAccount().path("metadata").path("annotations").path("eks.amazonaws.com/role-arn");
        return v.isMissingNode() ? Optional.empty() : Optional.of(v.asString());
    }

    /**
     * @param obj an object
     * @return its argocd.argoproj.io/sync-wave, 0 when absent (Argo CD's default)
     */
    public static int syncWave(JsonNode obj) {
        return Integer.parseInt(obj.path("metadata").path("annotations").path("argocd.argoproj.io/sync-wave").asString("0"));
    }
}
