package io.github.roleprobe.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.kubernetes.admission.AdmissionObjects;
import io.github.roleprobe.kubernetes.admission.AdmissionPolicy;
import io.github.roleprobe.kubernetes.admission.AdmissionPolicy.Decision;
import io.github.roleprobe.kubernetes.admission.AdmissionPolicy.Request;
import io.github.roleprobe.kubernetes.admission.ModelCelTypes;
import io.github.roleprobe.kubernetes.manifest.Rendered;
import io.github.roleprobe.kubernetes.manifest.Yamls;
import io.kubernetes.client.openapi.models.V1Eviction;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The kit's second ValidatingAdmissionPolicy (samples/kubernetes/admission/self-eviction), its CEL compiled and
 * evaluated with dev.cel like the first's: a service account may evict only the pod its bound token names in
 * {@code request.userInfo.extra['authentication.kubernetes.io/pod-name']}; users and other namespaces' service accounts
 * (node drains, the cluster autoscaler) are not restricted.
 */
class SelfEvictionPolicyTest {

    static final String PREFIX = "pods \"%s\" is forbidden: ValidatingAdmissionPolicy 'role-probe-self-eviction' with"
            + " binding 'role-probe-self-eviction' denied request: ";
    static final String APP = "system:serviceaccount:orders:orders-micronaut";
    static final List<String> SA_GROUPS = List.of("system:serviceaccounts", "system:serviceaccounts:orders",
            "system:authenticated");
    static final String POD = "orders-micronaut-7d9c5b8f4-x2v7k";
    static final String OTHER = "orders-micronaut-7d9c5b8f4-a1b2c";

    static AdmissionPolicy policy;
    static JsonNode orders;

    @BeforeAll
    static void compile() {
        policy = AdmissionPolicy.of(Rendered.of(Path.of("admission/self-eviction")));
        orders = AdmissionObjects.namespace("orders", Map.of());
    }

    static Map<String, List<String>> boundTo(String pod) {
        return Map.of("authentication.kubernetes.io/pod-name", List.of(pod),
                "authentication.kubernetes.io/pod-uid", List.of("0d8f6a1e-1111-4c5d-8e9f-0a1b2c3d4e5f"),
                "authentication.kubernetes.io/credential-id", List.of("JTI=4c2f0b1e-2222-4c5d-8e9f-0a1b2c3d4e5f"));
    }

    static Decision evict(String pod, JsonNode namespace, String username, List<String> groups,
            Map<String, List<String>> extra) {
        return policy.admit(Request.evictPod(pod, namespace, username, groups, extra));
    }

    @Test
    void aFailClosedPolicyOnPodEvictionsOnlyWithoutParamsOrMatchConditions() {
        JsonNode spec = policy.policy().path("spec");
        assertThat(spec.path("failurePolicy").asString()).isEqualTo("Fail");
        assertThat(spec.has("paramKind")).isFalse();
        assertThat(spec.has("matchConditions")).isFalse();
        assertThat(Yamls.JSON.writeValueAsString(spec.path("matchConstraints").path("resourceRules"))).isEqualTo(
                "[{\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],\"operations\":[\"CREATE\"],\"resources\":[\"pods/eviction\"]}]");
        assertThat(policy.binding().path("spec").path("validationActions").toString()).isEqualTo("[\"Deny\"]");
        for (JsonNode v : spec.path("validations")) {
            assertThat(v.path("message").asString()).isNotBlank().doesNotContain("\n");
        }
    }

    @Test
    void everyExpressionTypeChecksAgainstTheEvictionSchemaWithoutWarnings() {
        assertThat(policy.expressions()).hasSize(4);
        assertThat(policy.typeCheck(ModelCelTypes.of(V1Eviction.class, "Eviction"))).isEmpty();
    }

    @Test
    void aServiceAccountEvictsThePodItRunsIn() {
        Decision d = evict(POD, orders, APP, SA_GROUPS, boundTo(POD));
        assertThat(d.matched()).isTrue();
        assertThat(d.allowed()).isTrue();
    }

    @Test
    void itMayNotEvictAnotherPodOfItsNamespace() {
        Decision d = evict(OTHER, orders, APP, SA_GROUPS, boundTo(POD));
        assertThat(d.refused()).isTrue();
        assertThat(d.status()).isEqualTo(PREFIX.formatted(OTHER) + "role-probe: " + APP + " runs in pod " + POD
                + " and may evict only that pod, not " + OTHER);
    }

    @Test
    void aTokenNotBoundToAPodMayEvictNone() {
        for (Map<String, List<String>> extra : List.of(Map.<String, List<String>>of(),
                Map.of("authentication.kubernetes.io/credential-id", List.of("JTI=x")))) {
            Decision d = evict(POD, orders, APP, SA_GROUPS, extra);
            assertThat(d.refused()).isTrue();
            assertThat(d.status()).isEqualTo(PREFIX.formatted(POD) + "role-probe: " + APP + " may evict only the pod it"
                    + " runs in, and its token is not bound to a pod (no authentication.kubernetes.io/pod-name), so it"
                    + " may not evict pod " + POD);
        }
    }

    @Test
    void drainsAndOtherNamespacesServiceAccountsAreNotRestricted() {
        // kubectl drain by a person, the cluster autoscaler (kube-system), Karpenter in its own namespace.
        assertThat(evict(POD, orders, "alice@example.com", List.of("system:authenticated"), Map.of()).allowed()).isTrue();
        assertThat(evict(POD, orders, "system:serviceaccount:kube-system:cluster-autoscaler",
                List.of("system:serviceaccounts", "system:serviceaccounts:kube-system"), Map.of()).allowed()).isTrue();
        assertThat(evict(POD, orders, "system:serviceaccount:karpenter:karpenter",
                List.of("system:serviceaccounts"), boundTo("karpenter-6f7d8-abcde")).allowed()).isTrue();
        // A namespace whose name is a prefix of another's is not confused with it.
        assertThat(evict(POD, AdmissionObjects.namespace("orders-eu", Map.of()), APP, SA_GROUPS, boundTo(POD))
                .allowed()).isTrue();
    }

    @Test
    void aNamespaceOptsOutWithItsLabelAndOnlyEvictionsAreMatched() {
        JsonNode optedOut = AdmissionObjects.namespace("orders", Map.of("role-probe.io/self-eviction-policy", "disabled"));
        assertThat(evict(OTHER, optedOut, APP, SA_GROUPS, boundTo(POD)).matched()).isFalse();
        Request podCreate = Request.createPod(Yamls.JSON.readTree("{\"metadata\":{\"name\":\"" + POD + "\"}}"), orders,
                APP);
        assertThat(policy.admit(podCreate).matched()).isFalse();
        Request podDelete = new Request("DELETE", "", "v1", "pods", "Pod", null,
                Yamls.JSON.readTree("{\"metadata\":{\"name\":\"" + OTHER + "\"}}"), orders, APP, SA_GROUPS);
        assertThat(policy.admit(podDelete).matched()).isFalse();
    }
}
