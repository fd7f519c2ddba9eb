package io.github.roleprobe.kubernetes.manifest;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Renders a kustomization with the installed {@code kubectl kustomize}, offline, as Argo CD would
 * (Argo CD runs kustomize build on the same directory).
 */
public final class Kustomize {

    /** What a machine without a suitable kubectl is told. */
    static final String INSTALL_HINT = "The kit's tests render every overlay with `kubectl kustomize` and need kubectl"
            + " 1.27 or later (kustomize v5: replacements, labels). Install it, e.g. `apt-get install kubectl` from the"
            + " Kubernetes (pkgs.k8s.io) or Google Cloud SDK apt repository; Debian's own `kubernetes-client` 1.20 bundles"
            + " kustomize v2 and cannot render these overlays.";

    private Kustomize() {
    }

    /**
     * @return the kubectl binary on PATH
     * @throws AssertionError with {@link #INSTALL_HINT} when there is none
     */
    public static Path kubectl() {
        return findOnPath("kubectl").orElseThrow(() -> new AssertionError("kubectl not found on PATH. " + INSTALL_HINT));
    }

    /**
     * Renders a kustomization directory.
     *
     * @param dir a directory with a kustomization.yaml
     * @return the rendered objects, in kustomize's order
     * @throws AssertionError if kubectl is missing or kustomize fails (its error included)
     */
    public static List<JsonNode> render(Path dir) {
        return Yamls.documents(renderText(dir));
    }

    /**
     * @param dir a directory with a kustomization.yaml
     * @return kustomize's YAML output
     */
    public static String renderText(Path dir) {
        Path kubectl = kubectl();
        try {
            Path err = Files.createTempFile("kustomize", ".err");
            try {
                Process p = new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
                        .redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("kubectl kustomize " + dir + " did not finish within 120 s");
                }
                if (p.exitValue() != 0) {
                    throw new AssertionError("kubectl kustomize " + dir + " failed (exit " + p.exitValue() + "): "
                            + Files.readString(err) + "\n" + INSTALL_HINT);
                }
                return new String(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + kubectl + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static Optional<Path> findOnPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
