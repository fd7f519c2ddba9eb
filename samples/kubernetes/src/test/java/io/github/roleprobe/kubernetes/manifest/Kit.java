package io.github.roleprobe.kubernetes.manifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the kit and the sample apps' jars are, as the build passes them to the tests. */
public final class Kit {

    private Kit() {
    }

    /** @return samples/kubernetes */
    public static Path dir() {
        return Path.of(System.getProperty("roleprobe.kit.dir", ".")).toAbsolutePath().normalize();
    }

    /** @return the repository root */
    public static Path repositoryRoot() {
        return dir().resolve("../..").normalize();
    }

    /** @return the directory of the pinned Node validator (package.json, node_modules) */
    public static Path nodeDir() {
        return Path.of(System.getProperty("roleprobe.nodeDir", dir().resolve("src/test/node").toString()));
    }

    /** @return the vendored CRDs */
    public static Path crdDir() {
        return dir().resolve("crds");
    }

    /**
     * Every kustomization under the kit (bases, overlays, the Argo CD Applications), relative to
     * {@link #dir()}, sorted.
     *
     * @return directories holding a kustomization.yaml
     */
    public static List<Path> kustomizations() {
        Path root = dir();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
                    .map(p -> root.relativize(p.getParent()))
                    .filter(p -> !p.startsWith("src") && !p.startsWith("target"))
                    // Kustomize components cannot be built alone: they render as part of the overlays that list them.
                    .filter(p -> !p.startsWith("components"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The kit's directory of role-probe as a sidecar next to a non-JVM app: {@value}. */
    public static final String SIDECAR = "sidecar";

    /** @return the overlays of the JVM samples (directories under {@code <app>/overlays/}), not the sidecar's */
    public static List<Path> overlays() {
        return allOverlays().stream().filter(p -> !p.getName(0).toString().equals(SIDECAR)).toList();
    }

    /** @return the overlays of role-probe as a sidecar (directories under {@code sidecar/overlays/}) */
    public static List<Path> sidecarOverlays() {
        return allOverlays().stream().filter(p -> p.getName(0).toString().equals(SIDECAR)).toList();
    }

    private static List<Path> allOverlays() {
        return kustomizations().stream().filter(p -> p.getNameCount() == 3 && p.getName(1).toString().equals("overlays"))
                .toList();
    }
}
