package io.github.roleprobe.heal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The pod this JVM runs in: its namespace and name. Immutable and thread-safe.
 *
 * @param namespace the pod's namespace
 * @param name the pod's name
 */
public record PodReference(String namespace, String name) {

    /** Downward-API variable with the pod's name ({@code fieldRef: metadata.name}), as the kit sets it: {@value}. */
    public static final String POD_NAME = "POD_NAME";
    /** Downward-API variable with the pod's namespace ({@code fieldRef: metadata.namespace}): {@value}. */
    public static final String POD_NAMESPACE = "POD_NAMESPACE";
    /** The namespace file of the mounted service-account token: {@value}. */
    public static final String NAMESPACE_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /**
     * @param namespace the pod's namespace, not blank
     * @param name the pod's name, not blank
     */
    public PodReference {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        if (namespace.isBlank() || name.isBlank()) {
            throw new IllegalArgumentException("namespace and name must not be blank");
        }
    }

    /**
     * Finds the pod from the environment: the name from {@value #POD_NAME}, else {@code HOSTNAME} (which the kubelet
     * sets to the pod's name unless the pod sets {@code hostname}); the namespace from {@value #POD_NAMESPACE}, else
     * the service-account token's namespace file.
     *
     * @param env the process environment
     * @param namespaceFile the namespace file, normally {@value #NAMESPACE_FILE}
     * @return the pod, empty when its name or namespace is not known
     */
    public static Optional<PodReference> fromEnvironment(Map<String, String> env, Path namespaceFile) {
        String name = first(env.get(POD_NAME), env.get("HOSTNAME"));
        String namespace = first(env.get(POD_NAMESPACE), read(namespaceFile));
        return name == null || namespace == null ? Optional.empty() : Optional.of(new PodReference(namespace, name));
    }

    private static String first(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a.trim();
        }
        return b != null && !b.isBlank() ? b.trim() : null;
    }

    private static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file) : null;
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** @return {@code namespace/name} */
    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
