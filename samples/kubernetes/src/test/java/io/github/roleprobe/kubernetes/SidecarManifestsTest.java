package io.github.roleprobe.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.kubernetes.admission.AdmissionPolicy;
import io.github.roleprobe.kubernetes.admission.AdmissionPolicy.Decision;
import io.github.roleprobe.kubernetes.manifest.Kit;
import io.github.roleprobe.kubernetes.manifest.ProbeSpec;
import io.github.roleprobe.kubernetes.manifest.Rendered;
import io.github.roleprobe.kubernetes.manifest.Yamls;
import io.github.roleprobe.kubernetes.sim.EksWebhook;
import io.kubernetes.client.openapi.models.V1Pod;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the sidecar overlays (samples/kubernetes/sidecar) promise: a non-JVM app with role-probe as a native sidecar
 * (Pod Identity with the ACK association, IRSA) or as a classic init container. Their rendering and schema validation
 * run in {@link ManifestsTest#rendersOfflineAndEveryObjectValidates} with every other kustomization.
 */
class SidecarManifestsTest {

    static final String SIDECAR = "role-probe";
    static final Path POD_IDENTITY = Path.of("sidecar/overlays/pod-identity");
    static final Path IRSA = Path.of("sidecar/overlays/irsa");
    static final Path INIT_CONTAINER = Path.of("sidecar/overlays/init-container");

    static AdmissionPolicy policy;

    @BeforeAll
    static void compile() {
        policy = AdmissionPolicy.fromKit();
    }

    static List<Path> nativeSidecars() {
        return List.of(POD_IDENTITY, IRSA);
    }

    static List<Path> overlays() {
        return Kit.sidecarOverlays();
    }

    @Test
    void theKitHasBothIdentitiesAsNativeSidecarAndTheInitContainerVariant() {
        assertThat(Kit.kustomizations()).contains(Path.of("sidecar/base"));
        assertThat(overlays()).containsExactlyInAnyOrder(POD_IDENTITY, IRSA, INIT_CONTAINER);
    }

    @ParameterizedTest
    @MethodSource("nativeSidecars")
    void roleProbeIsANativeSidecarWhoseProbesAreTheSidecarsEndpoints(Path overlay) {
        Rendered r = Rendered.of(overlay);
        JsonNode sidecar = r.initContainer(SIDECAR);
        assertThat(sidecar.path("restartPolicy").asString()).isEqualTo("Always");
        assertThat(sidecar.path("args").toString()).isEqualTo("[\"serve\",\"--port\",\"9090\"]");
        ProbeSpec startup = r.probe(sidecar, "startupProbe");
        ProbeSpec readiness = r.probe(sidecar, "readinessProbe");
        ProbeSpec liveness = r.probe(sidecar, "livenessProbe");
        assertThat(List.of(startup.path(), readiness.path(), liveness.path()))
                .containsExactly("/startupz", "/readyz", "/livez");
        assertThat(List.of(startup.port(), readiness.port(), liveness.port())).containsOnly(9090);
        assertThat(startup.periodSeconds()).as("the app starts within a second of VERIFIED").isEqualTo(1);
        assertThat(startup.failureThreshold() * startup.periodSeconds())
                .as("seconds of waiting for the association before the kubelet restarts the sidecar")
                .isGreaterThanOrEqualTo(3600);
        for (ProbeSpec p : List.of(startup, readiness, liveness)) {
            assertThat(p.timeoutSeconds()).isGreaterThanOrEqualTo(2);
        }
        assertThat(liveness.failureThreshold() * liveness.periodSeconds()).isGreaterThanOrEqualTo(30);
        assertThat(Rendered.env(sidecar)).containsEntry("AWS_EC2_METADATA_DISABLED", "true").containsKey("AWS_REGION");
    }

    @Test
    void theSchemaValidationSeesTheSidecarsFields() {
        ObjectNode d = (ObjectNode) Rendered.of(POD_IDENTITY).deployment().deepCopy();
        ObjectNode sidecar = (ObjectNode) d.path("spec").path("template").path("spec").path("initContainers").path(0);
        sidecar.set("restartpolicy", sidecar.remove("restartPolicy"));
        assertThat(io.github.roleprobe.kubernetes.manifest.ManifestValidator.validate(d)).singleElement().asString()
                .contains("restartpolicy");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theAppIsNotAJvmAndCarriesNoRoleProbe(Path overlay) {
        Rendered r = Rendered.of(overlay);
        JsonNode app = r.appContainer();
        assertThat(app.path("image").asString()).startsWith("python:");
        assertThat(Rendered.env(app)).containsEntry("AWS_EC2_METADATA_DISABLED", "true")
                .doesNotContainKeys("ROLE_PROBE_ROLE_ARNS", "JAVA_TOOL_OPTIONS");
        assertThat(r.deployment().path("spec").path("strategy").path("rollingUpdate").path("maxUnavailable").asString(""))
                .isEqualTo("0");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theExpectedRoleIsTheGrantedRole(Path overlay) {
        Rendered r = Rendered.of(overlay);
        String expected = Rendered.env(r.initContainer(SIDECAR)).get("ROLE_PROBE_ROLE_ARNS");
        if (r.association().isPresent()) {
            JsonNode a = r.association().get();
            assertThat(expected).isEqualTo(a.path("spec").path("roleARN").asString()).matches(ManifestsTest.ROLE_ARN_PATTERN);
            assertThat(a.path("spec").path("serviceAccount").asString())
                    .isEqualTo(r.serviceAccount().path("metadata").path("name").asString());
            assertThat(a.path("spec").path("namespace").asString()).isEqualTo("orders");
            assertThat(Rendered.syncWave(a)).isLessThan(Rendered.syncWave(r.deployment()));
            assertThat(r.irsaRoleArn()).isEmpty();
        } else {
            assertThat(r.irsaRoleArn().orElseThrow()).matches(ManifestsTest.ROLE_ARN_PATTERN);
            assertThat(expected).as("IRSA: empty, so role-probe expects the injected AWS_ROLE_ARN").isEmpty();
        }
    }

    @Test
    void theInitContainerVariantWaitsAndHasNoProbesOrRestartPolicy() {
        Rendered r = Rendered.of(INIT_CONTAINER);
        JsonNode init = r.initContainer(SIDECAR);
        assertThat(init.path("args").toString()).isEqualTo("[\"wait\",\"--timeout\",\"10m\"]");
        for (String field : List.of("restartPolicy", "startupProbe", "readinessProbe", "livenessProbe", "ports")) {
            assertThat(init.has(field)).as(field).isFalse();
        }
        assertThat(r.association()).isPresent();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theAdmissionPolicyAdmitsTheMutatedPodAndRefusesTheOtherForTheSidecarContainer(Path overlay) throws Exception {
        Rendered r = Rendered.of(overlay);
        ObjectNode pod = io.github.roleprobe.kubernetes.admission.AdmissionObjects.podFromTemplate(r.deployment());
        assertThat(pod.path("metadata").path("annotations").path(AdmissionPolicyTest.CONTAINER_ANNOTATION).asString())
                .isEqualTo(SIDECAR);
        ObjectNode mutated = r.association().isPresent() ? EksWebhook.podIdentity(pod)
                : EksWebhook.irsa(pod, r.irsaRoleArn().orElseThrow());
        V1Pod.fromJson(Yamls.JSON.writeValueAsString(mutated));
        Decision admitted = AdmissionPolicyTest.admit(policy, mutated, io.github.roleprobe.kubernetes.admission.AdmissionObjects.namespace("orders", Map.of()));
        assertThat(admitted.matched()).isTrue();
        assertThat(admitted.allowed()).isTrue();
        assertThat(AdmissionPolicyTest.admit(policy, pod, io.github.roleprobe.kubernetes.admission.AdmissionObjects.namespace("orders", Map.of())).refused()).isTrue();
        Map<String, String> sidecarEnv = Rendered.env(mutated.path("spec").path("initContainers").path(0));
        assertThat(sidecarEnv).containsKey(r.association().isPresent() ? "AWS_CONTAINER_CREDENTIALS_FULL_URI" : "AWS_ROLE_ARN");
    }
}
