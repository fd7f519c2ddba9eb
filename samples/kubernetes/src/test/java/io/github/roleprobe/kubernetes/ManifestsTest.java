package io.github.roleprobe.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.kubernetes.manifest.Kit;
import io.github.roleprobe.kubernetes.manifest.Kustomize;
import io.github.roleprobe.kubernetes.manifest.ManifestValidator;
import io.github.roleprobe.kubernetes.manifest.ProbeSpec;
import io.github.roleprobe.kubernetes.manifest.Rendered;
import io.github.roleprobe.kubernetes.manifest.Yamls;
import io.github.roleprobe.kubernetes.sim.SampleApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Every kustomization renders offline and every rendered object is valid for its schema; the overlays keep their promises. */
class ManifestsTest {

    static final String ROLE_ARN_PATTERN = "arn:aws(-cn|-us-gov)?:iam::\\d{12}:role/(.+/)?[\\w+=,.@-]+";

    static List<Path> kustomizations() {
        return Kit.kustomizations();
    }

    static List<Path> overlays() {
        return Kit.overlays();
    }

    @Test
    void kubectlHasKustomizeV5() throws Exception {
        Process p = new ProcessBuilder(Kustomize.kubectl().toString(), "version", "--client", "-o", "json")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        String kustomize = Yamls.JSON.readTree(out).path("kustomizeVersion").asString("");
        assertThat(kustomize).as("kubectl's bundled kustomize (replacements and labels need v5)").matches("v[5-9]\\..*");
    }

    static List<SampleApp> apps() {
        return SampleApps.available();
    }

    @Test
    void theKitHasBothIdentityVariantsForEachSampleAndTheArgoCdApplications() {
        assertThat(apps()).map(SampleApp::name).containsExactlyInAnyOrder("micronaut", "spring-boot", "spring-boot3");
        for (SampleApp app : apps()) {
            assertThat(kustomizations()).map(Path::toString).contains(app.name() + "/base",
                    app.name() + "/overlays/pod-identity", app.name() + "/overlays/irsa");
        }
        assertThat(kustomizations()).map(Path::toString).contains("argocd");
        assertThat(overlays()).as("every overlay belongs to a sample the tests start")
                .allSatisfy(o -> assertThat(apps()).map(SampleApp::name).contains(o.getName(0).toString()));
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void rendersOfflineAndEveryObjectValidates(Path dir) {
        Rendered r = Rendered.of(dir);
        assertThat(r.objects()).as("objects rendered from %s", dir).isNotEmpty();
        List<String> problems = new ArrayList<>();
        List<JsonNode> argo = new ArrayList<>();
        for (JsonNode o : r.objects()) {
            if (o.path("apiVersion").asString("").startsWith("argoproj.io/")) {
                argo.add(o);
            } else {
                problems.addAll(ManifestValidator.validate(o));
            }
        }
        if (!argo.isEmpty()) {
            problems.addAll(ManifestValidator.validateArgoCd(argo));
        }
        assertThat(problems).as("schema problems in %s", dir).isEmpty();
    }

    @Test
    void theLegacyValidationJobIsAValidJob() throws IOException {
        for (JsonNode o : Yamls.documents(Files.readString(Kit.dir().resolve("legacy/validation-job.yaml")))) {
            assertThat(ManifestValidator.validate(o)).isEmpty();
        }
    }

    // --- the validators reject what the API server would reject ---

    @ParameterizedTest
    @MethodSource("apps")
    void aMistypedDeploymentFieldIsRejected(SampleApp app) {
        ObjectNode d = (ObjectNode) Rendered.of(Path.of(app.name(), "overlays/pod-identity")).deployment().deepCopy();
        ObjectNode c = (ObjectNode) d.path("spec").path("template").path("spec").path("containers").path(0);
        c.set("livenessprobe", c.remove("livenessProbe"));
        assertThat(ManifestValidator.validate(d)).singleElement().asString().contains("livenessprobe");
    }

    @ParameterizedTest
    @MethodSource("apps")
    void aDeploymentFieldOfTheWrongTypeIsRejected(SampleApp app) {
        ObjectNode d = (ObjectNode) Rendered.of(Path.of(app.name(), "overlays/pod-identity")).deployment().deepCopy();
        ((ObjectNode) d.path("spec")).putArray("replicas").add(2);
        assertThat(ManifestValidator.validate(d)).isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("apps")
    void aMistypedOrIncompleteAssociationIsRejected(SampleApp app) {
        JsonNode a = Rendered.of(Path.of(app.name(), "overlays/pod-identity")).association().orElseThrow();
        ObjectNode typo = (ObjectNode) a.deepCopy();
        ((ObjectNode) typo.path("spec")).set("roleArn", ((ObjectNode) typo.path("spec")).remove("roleARN"));
        assertThat(ManifestValidator.validate(typo)).anySatisfy(p -> assertThat(p).contains("roleArn"));

        ObjectNode missing = (ObjectNode) a.deepCopy();
        ((ObjectNode) missing.path("spec")).remove("serviceAccount");
        assertThat(ManifestValidator.validate(missing)).anySatisfy(p -> assertThat(p).contains("serviceAccount"));

        ObjectNode wrongType = (ObjectNode) a.deepCopy();
        ((ObjectNode) wrongType.path("spec")).put("roleARN", 42);
        assertThat(ManifestValidator.validate(wrongType)).isNotEmpty();

        ObjectNode badMeta = (ObjectNode) a.deepCopy();
        ((ObjectNode) badMeta.path("metadata")).put("labelz", "x");
        assertThat(ManifestValidator.validate(badMeta)).anySatisfy(p -> assertThat(p).contains("labelz"));
    }

    @Test
    void aBrokenApplicationIsRejected() {
        List<JsonNode> apps = Rendered.of(Path.of("argocd")).all("Application");
        ObjectNode wrongType = (ObjectNode) apps.get(0).deepCopy();
        ((ObjectNode) wrongType.path("spec").path("syncPolicy").path("automated")).put("prune", "yes");
        ObjectNode missing = (ObjectNode) apps.get(0).deepCopy();
        ((ObjectNode) missing.path("spec")).remove("destination");
        assertThat(ManifestValidator.validateArgoCd(List.of(wrongType, missing))).hasSize(2);
    }

    // --- what the overlays promise ---

    @ParameterizedTest
    @MethodSource("overlays")
    void theExpectedRoleIsTheGrantedRole(Path overlay) {
        Rendered r = Rendered.of(overlay);
        String expected = r.appEnv().get("ROLE_PROBE_ROLE_ARN");
        assertThat(expected).as("ROLE_PROBE_ROLE_ARN in %s", overlay).isNotNull();
        JsonNode deployment = r.deployment();
        String sa = deployment.path("spec").path("template").path("spec").path("serviceAccountName").asString("");
        assertThat(sa).isEqualTo(r.serviceAccount().path("metadata").path("name").asString());
        if (r.association().isPresent()) {
            JsonNode a = r.association().get();
            String roleArn = a.path("spec").path("roleARN").asString("");
            assertThat(roleArn).matches(ROLE_ARN_PATTERN);
            assertThat(expected).as("expected role = the association's roleARN").isEqualTo(roleArn);
            assertThat(a.path("spec").has("targetRoleARN")).as("no target role in the kit's own overlays").isFalse();
            assertThat(a.path("spec").path("serviceAccount").asString()).isEqualTo(sa);
            assertThat(a.path("spec").path("namespace").asString())
                    .isEqualTo(deployment.path("metadata").path("namespace").asString());
            assertThat(a.path("spec").path("clusterName").asString("")).isNotBlank();
            assertThat(Rendered.syncWave(a)).as("association syncs before the Deployment")
                    .isLessThan(Rendered.syncWave(deployment));
            assertThat(r.irsaRoleArn()).as("no IRSA annotation next to an association").isEmpty();
        } else {
            assertThat(r.irsaRoleArn()).as("%s has neither an association nor an IRSA annotation", overlay).isPresent();
            assertThat(r.irsaRoleArn().get()).matches(ROLE_ARN_PATTERN);
            assertThat(expected).as("IRSA: empty, so role-probe expects the injected AWS_ROLE_ARN").isEmpty();
        }
        assertThat(Rendered.syncWave(r.serviceAccount())).isLessThan(Rendered.syncWave(deployment));
    }

    @ParameterizedTest
    @MethodSource("apps")
    void theRoleIsWrittenOnceInTheAssociation(SampleApp app, @org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path copy = copyKit(tmp);
        Path association = copy.resolve(app.name() + "/overlays/pod-identity/podidentityassociation.yaml");
        String other = "arn:aws:iam::444455556666:role/team/payments";
        Files.writeString(association, Files.readString(association)
                .replace("roleARN: arn:aws:iam::111122223333:role/orders", "roleARN: " + other));
        Rendered r = new Rendered(Path.of("copy"), Kustomize.render(copy.resolve(app.name() + "/overlays/pod-identity")));
        assertThat(r.association().orElseThrow().path("spec").path("roleARN").asString()).isEqualTo(other);
        assertThat(r.appEnv()).containsEntry("ROLE_PROBE_ROLE_ARN", other);
    }

    @ParameterizedTest
    @MethodSource("apps")
    void withATargetRoleTheExpectedRoleIsTheTargetRole(SampleApp app, @org.junit.jupiter.api.io.TempDir Path tmp)
            throws IOException {
        Path copy = copyKit(tmp);
        Path overlay = copy.resolve(app.name() + "/overlays/pod-identity");
        Path association = overlay.resolve("podidentityassociation.yaml");
        String target = "arn:aws:iam::444455556666:role/orders-prod";
        Files.writeString(association, Files.readString(association)
                .replace("  roleARN: arn:aws:iam::111122223333:role/orders",
                        "  roleARN: arn:aws:iam::111122223333:role/orders\n  targetRoleARN: " + target));
        Path kustomization = overlay.resolve("kustomization.yaml");
        Files.writeString(kustomization, Files.readString(kustomization)
                .replace("  - ../../../components/expected-role-from-association\n",
                        "  - ../../../components/expected-role-from-association\n"
                                + "  - ../../../components/pod-identity-target-role\n"));
        Rendered r = new Rendered(Path.of("copy"), Kustomize.render(overlay));

        assertThat(r.association().orElseThrow().path("spec").path("targetRoleARN").asString()).isEqualTo(target);
        assertThat(ManifestValidator.validate(r.association().orElseThrow())).isEmpty();
        assertThat(r.appEnv()).containsEntry("ROLE_PROBE_ROLE_ARN", target);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void deploymentsAreHardenedAndProbedForAJvm(Path overlay) {
        Rendered r = Rendered.of(overlay);
        assertThat(r.appEnv()).containsEntry("AWS_EC2_METADATA_DISABLED", "true").containsKey("AWS_REGION");
        JsonNode rolling = r.deployment().path("spec").path("strategy").path("rollingUpdate");
        assertThat(rolling.path("maxUnavailable").asString("")).isEqualTo("0");
        ProbeSpec startup = r.startupProbe();
        ProbeSpec liveness = r.livenessProbe();
        ProbeSpec readiness = r.readinessProbe();
        assertThat(startup.path()).as("startup probe on the liveness path").isEqualTo(liveness.path());
        assertThat(readiness.path()).isNotEqualTo(liveness.path());
        assertThat(startup.failureThreshold() * startup.periodSeconds()).as("seconds a JVM may take to start")
                .isGreaterThanOrEqualTo(120);
        for (ProbeSpec p : List.of(startup, liveness, readiness)) {
            assertThat(p.timeoutSeconds()).as("probe timeout above the 1 s default, for GC pauses").isGreaterThanOrEqualTo(2);
            assertThat(p.successThreshold()).isEqualTo(1);
        }
        assertThat(liveness.failureThreshold() * liveness.periodSeconds()).isGreaterThanOrEqualTo(30);
    }

    @Test
    void everyOverlayHasAnAutomatedArgoCdApplication() {
        Rendered argocd = Rendered.of(Path.of("argocd"));
        Set<String> pointed = argocd.all("Application").stream().map(app -> {
            JsonNode spec = app.path("spec");
            String path = spec.path("source").path("path").asString("");
            assertThat(Kit.repositoryRoot().resolve(path).resolve("kustomization.yaml")).exists();
            JsonNode automated = spec.path("syncPolicy").path("automated");
            assertThat(automated.path("prune").asBoolean(false)).isTrue();
            assertThat(automated.path("selfHeal").asBoolean(false)).isTrue();
            assertThat(((ArrayNode) spec.path("syncPolicy").path("syncOptions")).valueStream().map(n -> n.asString("")))
                    .contains("CreateNamespace=true");
            Rendered target = Rendered.of(Kit.dir().relativize(Kit.repositoryRoot().resolve(path)));
            assertThat(spec.path("destination").path("namespace").asString())
                    .isEqualTo(target.deployment().path("metadata").path("namespace").asString());
            return path;
        }).collect(Collectors.toSet());
        assertThat(pointed).containsExactlyInAnyOrderElementsOf(
                overlays().stream().map(o -> "samples/kubernetes/" + o).toList());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theSelfEvictionComponentAddsItsRbacAndDownwardApiEnvToEveryOverlay(Path overlay,
            @org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path copy = copyKit(tmp);
        Path kustomization = copy.resolve(overlay).resolve("kustomization.yaml");
        String text = Files.readString(kustomization);
        String component = "  - ../../../components/self-eviction\n";
        Files.writeString(kustomization, text.contains("\ncomponents:\n")
                ? text.replace("\ncomponents:\n", "\ncomponents:\n" + component)
                : text + "components:\n" + component);
        Rendered r = new Rendered(overlay, Kustomize.render(copy.resolve(overlay)));

        for (JsonNode o : r.objects()) {
            assertThat(ManifestValidator.validate(o)).as("%s %s", o.path("kind").asString(),
                    o.path("metadata").path("name").asString()).isEmpty();
        }
        String namespace = r.deployment().path("metadata").path("namespace").asString();
        JsonNode role = r.one("Role").orElseThrow();
        assertThat(role.path("metadata").path("namespace").asString()).isEqualTo(namespace);
        assertThat(Yamls.JSON.writeValueAsString(role.path("rules"))).isEqualTo("[{\"apiGroups\":[\"\"],"
                + "\"resources\":[\"pods\"],\"verbs\":[\"get\"]},{\"apiGroups\":[\"\"],\"resources\":[\"pods/eviction\"],"
                + "\"verbs\":[\"create\"]},{\"apiGroups\":[\"\"],\"resources\":[\"events\"],\"verbs\":[\"list\",\"create\"]}]");
        JsonNode binding = r.one("RoleBinding").orElseThrow();
        assertThat(binding.path("roleRef").path("name").asString()).isEqualTo(role.path("metadata").path("name").asString());
        JsonNode subject = binding.path("subjects").path(0);
        assertThat(binding.path("subjects")).hasSize(1);
        assertThat(subject.path("kind").asString()).isEqualTo("ServiceAccount");
        assertThat(subject.path("name").asString()).isEqualTo(r.serviceAccount().path("metadata").path("name").asString())
                .isEqualTo(r.deployment().path("spec").path("template").path("spec").path("serviceAccountName").asString());
        assertThat(subject.path("namespace").asString()).isEqualTo(namespace);
        Map<String, String> fieldRefs = new java.util.HashMap<>();
        Map<String, String> values = new java.util.HashMap<>();
        for (JsonNode e : r.appContainer().path("env")) {
            if (e.has("valueFrom")) {
                fieldRefs.put(e.path("name").asString(), e.path("valueFrom").path("fieldRef").path("fieldPath").asString());
            } else {
                values.put(e.path("name").asString(), e.path("value").asString(""));
            }
        }
        assertThat(values).containsEntry("ROLE_PROBE_HEAL_EVICT_NOT_INJECTED", "true");
        assertThat(fieldRefs).containsEntry("POD_NAME", "metadata.name").containsEntry("POD_NAMESPACE", "metadata.namespace");
        assertThat(Rendered.syncWave(role)).isLessThan(Rendered.syncWave(r.deployment()));
    }

    static Path copyKit(Path tmp) throws IOException {
        Path root = Kit.dir();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> {
                Path rel = root.relativize(p);
                return !rel.startsWith("src") && !rel.startsWith("target");
            }).sorted(Comparator.naturalOrder()).toList()) {
                Path to = tmp.resolve(root.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        return tmp;
    }
}
