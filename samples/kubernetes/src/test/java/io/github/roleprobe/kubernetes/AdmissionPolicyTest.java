package io.github.roleprobe.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.roleprobe.kubernetes.admission.AdmissionObjects;
import io.github.roleprobe.kubernetes.admission.AdmissionPolicy;
import io.github.roleprobe.kubernetes.admission.AdmissionPolicy.Decision;
import io.github.roleprobe.kubernetes.admission.AdmissionPolicy.Request;
import io.github.roleprobe.kubernetes.admission.ModelCelTypes;
import io.github.roleprobe.kubernetes.manifest.Kit;
import io.github.roleprobe.kubernetes.manifest.ManifestValidator;
import io.github.roleprobe.kubernetes.manifest.Rendered;
import io.github.roleprobe.kubernetes.manifest.Yamls;
import io.github.roleprobe.kubernetes.sim.EksWebhook;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The kit's ValidatingAdmissionPolicy (samples/kubernetes/admission), its CEL compiled and evaluated with
 * dev.cel against the pods the rendered Deployments create, before and after the EKS Pod Identity
 * webhook: what is admitted, what is refused and with which message, what is not matched at all.
 */
class AdmissionPolicyTest {

    static final String LABEL = "role-probe.io/credentials";
    static final String CONTAINER_ANNOTATION = "role-probe.io/credentials-container";
    static final String OPT_OUT = "role-probe.io/credentials-policy";
    static final String PREFIX = "ValidatingAdmissionPolicy 'role-probe-credentials-injected' with binding "
            + "'role-probe-credentials-injected' denied request: ";

    static AdmissionPolicy policy;
    static JsonNode orders;

    @BeforeAll
    static void compile() {
        policy = AdmissionPolicy.fromKit();
        orders = AdmissionObjects.namespace("orders", Map.of());
    }

    static List<Path> overlays() {
        return Kit.overlays();
    }

    static boolean isPodIdentity(Rendered r) {
        return r.association().isPresent();
    }

    /** The pod the overlay's ReplicaSet creates, after the webhook did (or did not) inject. */
    static ObjectNode pod(Rendered r, boolean injected) {
        ObjectNode pod = AdmissionObjects.podFromTemplate(r.deployment());
        if (!injected) {
            return pod;
        }
        return isPodIdentity(r) ? EksWebhook.podIdentity(pod) : EksWebhook.irsa(pod, r.irsaRoleArn().orElseThrow());
    }

    static Decision admit(JsonNode pod) {
        return admit(policy, pod, orders);
    }

    static Decision admit(AdmissionPolicy p, JsonNode pod, JsonNode namespace) {
        return p.admit(Request.createPod(pod, namespace, AdmissionObjects.REPLICASET_CONTROLLER));
    }

    static ObjectNode container(JsonNode pod, String list, int i) {
        return (ObjectNode) pod.path("spec").path(list).path(i);
    }

    // --- the manifests ---

    @Test
    void aCreateOnlyFailClosedPodPolicyWithoutParamsOrMatchConditions() {
        JsonNode spec = policy.policy().path("spec");
        assertThat(policy.policy().path("apiVersion").asString()).isEqualTo("admissionregistration.k8s.io/v1");
        assertThat(spec.path("failurePolicy").asString()).isEqualTo("Fail");
        assertThat(spec.has("paramKind")).isFalse();
        assertThat(spec.has("matchConditions")).isFalse();
        JsonNode rules = spec.path("matchConstraints").path("resourceRules");
        assertThat(rules).hasSize(1);
        assertThat(Yamls.JSON.writeValueAsString(rules.path(0))).isEqualTo(
                "{\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],\"operations\":[\"CREATE\"],\"resources\":[\"pods\"]}");
        assertThat(Yamls.JSON.writeValueAsString(spec.path("matchConstraints").path("objectSelector")))
                .isEqualTo("{\"matchExpressions\":[{\"key\":\"" + LABEL + "\",\"operator\":\"Exists\"}]}");
        JsonNode binding = policy.binding().path("spec");
        assertThat(binding.path("validationActions").toString()).isEqualTo("[\"Deny\"]");
        assertThat(binding.path("matchResources").path("namespaceSelector").toString())
                .contains(OPT_OUT).contains("NotIn").contains("disabled");
        for (JsonNode v : spec.path("validations")) {
            assertThat(v.path("message").asString()).as("a static message is one line (the API server rejects line breaks)")
                    .isNotBlank().doesNotContain("\n");
        }
    }

    @Test
    void everyExpressionCompilesToItsTypeAndTypeChecksAgainstThePodSchemaWithoutWarnings() {
        assertThat(policy.expressions()).hasSizeGreaterThanOrEqualTo(9);
        assertThat(policy.typeCheck(ModelCelTypes.of(V1Pod.class, "Pod")))
                .as("what the API server would put in status.typeChecking").isEmpty();
    }

    @Test
    void theTypeCheckCatchesWhatTheApiServersTypeCheckerReports() {
        ObjectNode broken = (ObjectNode) policy.policy().deepCopy();
        ArrayNode variables = (ArrayNode) broken.path("spec").path("variables");
        // Fine at run time (object is dyn), but containers and initContainers are two types for the API server.
        variables.addObject().put("name", "all").put("expression", "object.spec.containers + object.spec.initContainers");
        variables.addObject().put("name", "typo").put("expression", "object.spec.contianers.size()");
        AdmissionPolicy p = AdmissionPolicy.of(broken, policy.binding());
        assertThat(p.typeCheck(ModelCelTypes.of(V1Pod.class, "Pod"))).satisfiesExactly(
                w -> assertThat(w).contains("no matching overload for '_+_'"),
                w -> assertThat(w).contains("undefined field 'contianers'"));

        ObjectNode notBool = (ObjectNode) policy.policy().deepCopy();
        ((ObjectNode) notBool.path("spec").path("validations").path(0)).put("expression", "variables.declared");
        assertThatThrownBy(() -> AdmissionPolicy.of(notBool, policy.binding())).hasMessageContaining("must evaluate to bool");
    }

    @Test
    void thePolicyObjectsAreValidatedByTheKubernetesSchema() {
        ObjectNode typo = (ObjectNode) policy.policy().deepCopy();
        ((ObjectNode) typo.path("spec")).set("validation", ((ObjectNode) typo.path("spec")).remove("validations"));
        assertThat(ManifestValidator.validate(typo)).singleElement().asString().contains("validation");
        ObjectNode binding = (ObjectNode) policy.binding().deepCopy();
        ((ObjectNode) binding.path("spec")).put("validationActions", "Deny");
        assertThat(ManifestValidator.validate(binding)).isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyOverlaysPodsDeclareTheCredentialsTheyNeedAndTheContainerThatNeedsThem(Path overlay) {
        Rendered r = Rendered.of(overlay);
        JsonNode meta = r.deployment().path("spec").path("template").path("metadata");
        assertThat(meta.path("labels").path(LABEL).asString()).isEqualTo(isPodIdentity(r) ? "pod-identity" : "irsa");
        assertThat(overlay.getFileName().toString()).isEqualTo(isPodIdentity(r) ? "pod-identity" : "irsa");
        assertThat(meta.path("annotations").path(CONTAINER_ANNOTATION).asString()).isEqualTo(Rendered.APP_CONTAINER);
        assertThat(r.deployment().path("spec").path("selector").toString()).as("the label is not in the selector").doesNotContain(LABEL);
    }

    @Test
    void theClustersArgoCdApplicationSyncsThePolicy() {
        JsonNode app = Rendered.of(Path.of("argocd", "cluster")).one("Application").orElseThrow();
        JsonNode spec = app.path("spec");
        assertThat(spec.path("source").path("path").asString()).isEqualTo("samples/kubernetes/admission");
        assertThat(Kit.repositoryRoot().resolve(spec.path("source").path("path").asString()).resolve("kustomization.yaml")).exists();
        assertThat(spec.path("destination").has("namespace")).as("cluster-scoped objects").isFalse();
        assertThat(spec.path("syncPolicy").path("automated").path("prune").asBoolean(false)).isTrue();
        assertThat(spec.path("syncPolicy").path("automated").path("selfHeal").asBoolean(false)).isTrue();
        assertThat(Rendered.syncWave(policy.policy())).isLessThan(Rendered.syncWave(policy.binding()));
    }

    // --- the rendered pods ---

    @ParameterizedTest
    @MethodSource("overlays")
    void theAdmissionObjectsAreValidPods(Path overlay) throws IOException {
        Rendered r = Rendered.of(overlay);
        for (boolean injected : new boolean[] {false, true}) {
            V1Pod.fromJson(Yamls.JSON.writeValueAsString(pod(r, injected))); // rejects unknown fields and wrong types
        }
        assertThat(pod(r, false).path("metadata").path("generateName").asString())
                .startsWith(r.deployment().path("metadata").path("name").asString() + "-");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void aPodTheWebhookMutatedIsAdmitted(Path overlay) {
        Rendered r = Rendered.of(overlay);
        Decision d = admit(pod(r, true));
        assertThat(d.matched()).isTrue();
        assertThat(d.denials()).isEmpty();
        assertThat(d.allowed()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void aPodTheWebhookDidNotMutateIsRefusedWithWhatHappenedAndWhatToCheck(Path overlay) {
        Rendered r = Rendered.of(overlay);
        Decision d = admit(pod(r, false));
        assertThat(d.matched()).isTrue();
        assertThat(d.refused()).isTrue();
        assertThat(d.denials()).singleElement().satisfies(x -> {
            assertThat(x.error()).as("evaluated, not failed").isFalse();
            assertThat(x.reason()).isEqualTo("Forbidden");
        });
        String sa = "orders/" + r.serviceAccount().path("metadata").path("name").asString();
        String status = d.status();
        assertThat(status).startsWith("pods \"" + AdmissionObjects.replicaSetName(r.deployment()) + "-\" is forbidden: " + PREFIX)
                .doesNotContain("\n").hasSizeLessThan(5 * 1024)
                .contains("container app").contains("service account " + sa)
                .contains("the ReplicaSet retries the creation with back-off");
        if (isPodIdentity(r)) {
            assertThat(status).contains("no EKS Pod Identity credentials")
                    .contains("AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
                    .contains("Pod Identity association").contains("webhook");
        } else {
            assertThat(status).contains("no IRSA credentials").contains("AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE")
                    .contains("eks.amazonaws.com/role-arn annotation").contains("webhook");
        }
        System.out.println("[" + overlay + "] " + status);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theOtherVariantsEnvOrHalfOfTheEnvIsNotEnough(Path overlay) {
        Rendered r = Rendered.of(overlay);
        ObjectNode base = pod(r, false);
        ObjectNode other = isPodIdentity(r) ? EksWebhook.irsa(base, "arn:aws:iam::111122223333:role/orders")
                : EksWebhook.podIdentity(base);
        assertThat(admit(other).refused()).as("the other variant's env").isTrue();
        for (String keep : isPodIdentity(r) ? List.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
                : List.of("AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE")) {
            ObjectNode half = pod(r, true);
            ArrayNode env = (ArrayNode) container(half, "containers", 0).path("env");
            for (int i = env.size() - 1; i >= 0; i--) {
                String name = env.path(i).path("name").asString();
                if (name.startsWith("AWS_") && (name.contains("CONTAINER") || name.contains("ROLE_ARN") || name.contains("WEB_IDENTITY"))
                        && !name.equals(keep)) {
                    env.remove(i);
                }
            }
            assertThat(admit(half).refused()).as("only %s", keep).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void podsWithoutTheLabelAreNotMatchedAndTheCelAloneAdmitsThemToo(Path overlay) {
        Rendered r = Rendered.of(overlay);
        for (boolean injected : new boolean[] {false, true}) {
            ObjectNode pod = pod(r, injected);
            ((ObjectNode) pod.path("metadata").path("labels")).remove(LABEL);
            assertThat(admit(pod).matched()).as("objectSelector").isFalse();
            assertThat(admit(pod).allowed()).isTrue();
            // Even matched (a copy without the objectSelector), the CEL itself passes a pod that declares nothing.
            ObjectNode everyPod = (ObjectNode) policy.policy().deepCopy();
            ((ObjectNode) everyPod.path("spec").path("matchConstraints")).remove("objectSelector");
            Decision d = admit(AdmissionPolicy.of(everyPod, policy.binding()), pod, orders);
            assertThat(d.matched()).isTrue();
            assertThat(d.denials()).isEmpty();
        }
    }

    @Test
    void theLegacyValidationJobsPodIsNotMatched() throws IOException {
        JsonNode job = Yamls.documents(Files.readString(Kit.dir().resolve("legacy/validation-job.yaml"))).get(0);
        ObjectNode pod = Yamls.JSON.createObjectNode();
        pod.put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("generateName", "orders-validate-identity-").put("namespace", "orders");
        pod.set("spec", job.path("spec").path("template").path("spec").deepCopy());
        assertThat(admit(pod).matched()).isFalse();
    }

    @Test
    void anUnknownCredentialsValueIsRefused() {
        ObjectNode pod = pod(Rendered.of(Path.of("micronaut/overlays/pod-identity")), true);
        ((ObjectNode) pod.path("metadata").path("labels")).put(LABEL, "podidentity");
        Decision d = admit(pod);
        assertThat(d.refused()).isTrue();
        assertThat(d.denials()).singleElement().satisfies(x -> assertThat(x.message())
                .isEqualTo("role-probe: label role-probe.io/credentials is 'podidentity'; expected pod-identity (EKS Pod"
                        + " Identity) or irsa (IAM roles for service accounts)"));
    }

    // --- which container ---

    @Test
    void theNamedContainerMustCarryTheEnvEvenWhenAnotherOneDoes() {
        Rendered r = Rendered.of(Path.of("micronaut/overlays/pod-identity"));
        ObjectNode pod = pod(r, false);
        ArrayNode containers = (ArrayNode) pod.path("spec").path("containers");
        containers.addObject().put("name", "proxy").put("image", "example/proxy:1");
        // The webhook skips the app container (eks.amazonaws.com/skip-containers): only the sidecar has the env.
        ((ObjectNode) pod.path("metadata").path("annotations")).put("eks.amazonaws.com/skip-containers", "app");
        ObjectNode skipped = EksWebhook.podIdentity(pod);
        assertThat(container(skipped, "containers", 1).path("env").toString()).contains("AWS_CONTAINER_CREDENTIALS_FULL_URI");
        Decision d = admit(skipped);
        assertThat(d.refused()).isTrue();
        assertThat(d.status()).contains("in container app");

        // Without the annotation, any container (here the sidecar) is enough: the webhook did mutate the pod.
        ((ObjectNode) skipped.path("metadata").path("annotations")).remove(CONTAINER_ANNOTATION);
        assertThat(admit(skipped).allowed()).isTrue();
        ((ObjectNode) pod.path("metadata").path("annotations")).remove(CONTAINER_ANNOTATION);
        Decision none = admit(pod);
        assertThat(none.refused()).isTrue();
        assertThat(none.status()).contains("in any container");
    }

    @Test
    void initContainersCountWhenNamedOrWhenTheyAreNativeSidecars() {
        Rendered r = Rendered.of(Path.of("spring-boot/overlays/irsa"));
        ObjectNode pod = pod(r, false);
        ((ObjectNode) pod.path("metadata").path("annotations")).remove(CONTAINER_ANNOTATION);
        ArrayNode init = ((ObjectNode) pod.path("spec")).putArray("initContainers");
        init.addObject().put("name", "migrate").put("image", "example/migrate:1");
        ((ObjectNode) pod.path("metadata")).putObject("annotations").put("eks.amazonaws.com/skip-containers", "app");
        ObjectNode onlyInit = EksWebhook.irsa(pod, "arn:aws:iam::111122223333:role/orders");
        assertThat(container(onlyInit, "initContainers", 0).path("env").toString()).contains("AWS_ROLE_ARN");
        assertThat(admit(onlyInit).refused()).as("a run-to-completion init container is not the app").isTrue();

        container(onlyInit, "initContainers", 0).put("restartPolicy", "Always");
        assertThat(admit(onlyInit).allowed()).as("a native sidecar runs beside the app").isTrue();

        container(onlyInit, "initContainers", 0).remove("restartPolicy");
        ((ObjectNode) onlyInit.path("metadata").path("annotations")).put(CONTAINER_ANNOTATION, "migrate");
        assertThat(admit(onlyInit).allowed()).as("the named init container has them").isTrue();
    }

    @Test
    void anAnnotationNamingNoContainerIsRefusedWithItsOwnMessage() {
        ObjectNode pod = pod(Rendered.of(Path.of("micronaut/overlays/irsa")), true);
        ((ObjectNode) pod.path("metadata").path("annotations")).put(CONTAINER_ANNOTATION, "application");
        Decision d = admit(pod);
        assertThat(d.denials()).singleElement().satisfies(x -> assertThat(x.message()).isEqualTo(
                "role-probe: annotation role-probe.io/credentials-container names container 'application', which this pod does not have"));
    }

    // --- scope ---

    @Test
    void aNamespaceOptsOutWithItsLabelAndOnlyPodCreatesAreMatched() {
        ObjectNode pod = pod(Rendered.of(Path.of("micronaut/overlays/pod-identity")), false);
        assertThat(admit(policy, pod, AdmissionObjects.namespace("orders", Map.of(OPT_OUT, "disabled"))).matched()).isFalse();
        assertThat(admit(policy, pod, AdmissionObjects.namespace("orders", Map.of(OPT_OUT, "enforced"))).refused()).isTrue();
        assertThat(admit(policy, pod, AdmissionObjects.namespace("payments", Map.of("team", "payments"))).refused()).isTrue();

        Request update = new Request("UPDATE", "", "v1", "pods", "Pod", pod, pod, orders, "someone", List.of());
        assertThat(policy.admit(update).matched()).isFalse();
        Request deployment = new Request("CREATE", "apps", "v1", "deployments", "Deployment",
                Rendered.of(Path.of("micronaut/overlays/pod-identity")).deployment(), null, orders, "someone", List.of());
        assertThat(policy.admit(deployment).matched()).isFalse();
    }

    @Test
    void withWarnAndAuditInsteadOfDenyThePodIsAdmittedWithTheMessageAsAWarning() {
        ObjectNode binding = (ObjectNode) policy.binding().deepCopy();
        ((ObjectNode) binding.path("spec")).putArray("validationActions").add("Warn").add("Audit");
        Decision d = admit(AdmissionPolicy.of(policy.policy(), binding), pod(Rendered.of(Path.of("micronaut/overlays/pod-identity")),
                false), orders);
        assertThat(d.allowed()).isTrue();
        assertThat(d.warnings()).singleElement().asString()
                .startsWith("Validation failed for ValidatingAdmissionPolicy 'role-probe-credentials-injected'")
                .contains("no EKS Pod Identity credentials");
    }
}
