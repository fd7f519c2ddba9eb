package io.github.roleprobe.kubernetes.admission;

import dev.cel.bundle.Cel;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.github.roleprobe.kubernetes.manifest.Kit;
import io.github.roleprobe.kubernetes.manifest.Rendered;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A ValidatingAdmissionPolicy and its binding, evaluated as the API server's admission plugin evaluates
 * them ({@code k8s.io/apiserver/pkg/admission/plugin/policy/validating}: the matcher, {@code validator.go},
 * {@code dispatcher.go}), with the policy's own CEL compiled and evaluated by dev.cel in
 * {@link KubernetesCel}'s environment:
 * <ol>
 *   <li>match: the policy's {@code matchConstraints} and the binding's {@code matchResources}
 *       (resource rules with operations, namespace selector, object selector: either the object or the old
 *       object must match it; a null object matches no selector);</li>
 *   <li>variables, in order, each seeing the ones before it; a variable whose evaluation fails is left out,
 *       so that an expression using it fails as in the API server;</li>
 *   <li>each validation: {@code true} admits; {@code false} denies with the trimmed
 *       {@code messageExpression} result, falling back to {@code message} when it fails, is not a string,
 *       is blank, has a line break or exceeds 5 KiB, then to {@code failed expression: ...}; an
 *       evaluation error decides by {@code failurePolicy} (Fail denies);</li>
 *   <li>the binding's {@code validationActions}: {@code Deny} refuses the request with
 *       {@code <resource> "<name>" is forbidden: ValidatingAdmissionPolicy '<policy>' with binding
 *       '<binding>' denied request: <message>} (the first denial), {@code Warn} returns a warning.</li>
 * </ol>
 * Expressions are compiled once, with {@code object} and {@code oldObject} as {@code dyn} (as the API server
 * compiles them); validations must compile to {@code bool} and message expressions to {@code string}.
 * {@link #typeCheck(ModelCelTypes)} repeats what the API server's type checker reports in
 * {@code status.typeChecking}. Not supported (and absent from the kit): {@code paramKind},
 * {@code matchConditions}, {@code auditAnnotations}.
 */
public final class AdmissionPolicy {

    /** The API server's limit on an evaluated message ({@code MaxEvaluatedMessageExpressionSizeBytes}). */
    static final int MAX_MESSAGE_BYTES = 5 * 1024;

    /**
     * One admission request.
     *
     * @param operation  CREATE, UPDATE, DELETE or CONNECT
     * @param group      the resource's API group ("" for core)
     * @param version    its version
     * @param resource   the resource, e.g. pods
     * @param subResource the subresource, e.g. eviction; "" for none
     * @param kindGroup  the API group of the object's kind (policy for a pods/eviction's Eviction)
     * @param kind       the kind, e.g. Pod
     * @param object     the object after mutating admission (null for DELETE)
     * @param oldObject  the stored object (null for CREATE)
     * @param namespace  the Namespace object (null for cluster-scoped resources)
     * @param username   who sends it, e.g. system:serviceaccount:kube-system:replicaset-controller
     * @param groups     their groups
     * @param extra      their user info's extra, e.g. authentication.kubernetes.io/pod-name of a bound token
     */
    public record Request(String operation, String group, String version, String resource, String subResource,
            String kindGroup, String kind, JsonNode object, JsonNode oldObject, JsonNode namespace, String username,
            List<String> groups, Map<String, List<String>> extra) {

        /** A request on a resource itself (no subresource, the kind in the resource's group), by a user without extra. */
        public Request(String operation, String group, String version, String resource, String kind, JsonNode object,
                JsonNode oldObject, JsonNode namespace, String username, List<String> groups) {
            this(operation, group, version, resource, "", group, kind, object, oldObject, namespace, username, groups,
                    Map.of());
        }

        /**
         * @param pod       the pod as mutating admission left it
         * @param namespace its Namespace
         * @param username  the creator
         * @return a pod CREATE
         */
        public static Request createPod(JsonNode pod, JsonNode namespace, String username) {
            return new Request("CREATE", "", "v1", "pods", "Pod", pod, null, namespace, username,
                    List.of("system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"));
        }

        /**
         * The policy/v1 Eviction of a pod ({@code POST /api/v1/namespaces/NS/pods/NAME/eviction}), as the API server
         * admits it: resource pods, subresource eviction, kind policy/v1 Eviction, the Eviction as object.
         *
         * @param pod       the name of the pod to evict
         * @param namespace its Namespace
         * @param username  who asks
         * @param groups    their groups
         * @param extra     their user info's extra
         * @return a pods/eviction CREATE
         */
        public static Request evictPod(String pod, JsonNode namespace, String username, List<String> groups,
                Map<String, List<String>> extra) {
            String ns = namespace.path("metadata").path("name").asString("");
            JsonNode eviction = io.github.roleprobe.kubernetes.manifest.Yamls.JSON.readTree(
                    "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"" + pod
                            + "\",\"namespace\":\"" + ns + "\"}}");
            return new Request("CREATE", "", "v1", "pods", "eviction", "policy", "Eviction", eviction, null, namespace,
                    username, groups, extra);
        }

        String namespaceName() {
            return namespace == null ? "" : namespace.path("metadata").path("name").asString("");
        }

        String resourceWithSubresource() {
            return subResource.isEmpty() ? resource : resource + "/" + subResource;
        }
    }

    /**
     * A failed validation.
     *
     * @param validation the index in spec.validations
     * @param reason     the validation's reason (default Invalid)
     * @param message    the message the API server returns
     * @param error      whether the expression failed to evaluate (rather than evaluating to false)
     */
    public record Denial(int validation, String reason, String message, boolean error) {
    }

    /**
     * @param matched  whether the policy and binding apply to the request at all
     * @param denials  the failed validations, in order
     * @param refused  whether the API server refuses the request (a denial and the Deny action)
     * @param status   the refusal's message, as the API server returns it (and a ReplicaSet's FailedCreate
     *                 event quotes it), empty when admitted
     * @param warnings the warnings returned with the Warn action
     */
    public record Decision(boolean matched, List<Denial> denials, boolean refused, String status, List<String> warnings) {
        /** @return whether the request is admitted */
        public boolean allowed() {
            return !refused;
        }
    }

    private record Compiled(String fieldRef, String expression, CelAbstractSyntaxTree ast, CelRuntime.Program program) {
    }

    private record Validation(Compiled check, String message, String reason, Compiled messageExpression) {
    }

    private final JsonNode policy;
    private final JsonNode binding;
    private final Cel cel;
    private final List<Compiled> variables = new ArrayList<>();
    private final List<Validation> validations = new ArrayList<>();

    private AdmissionPolicy(JsonNode policy, JsonNode binding) {
        this.policy = policy;
        this.binding = binding;
        JsonNode spec = policy.path("spec");
        for (String unsupported : List.of("paramKind", "matchConditions", "auditAnnotations")) {
            if (spec.has(unsupported)) {
                throw new UnsupportedOperationException(unsupported + " is not modelled");
            }
        }
        if (!binding.path("spec").path("policyName").asString("").equals(name(policy))) {
            throw new AssertionError("binding " + name(binding) + " does not bind policy " + name(policy));
        }
        Map<String, CelType> types = new LinkedHashMap<>();
        int i = 0;
        for (JsonNode v : spec.path("variables")) {
            Compiled c = compile(KubernetesCel.env(SimpleType.DYN, null, types), "spec.variables[" + i++ + "].expression",
                    v.path("expression").asString(), null);
            variables.add(c);
            types.put(v.path("name").asString(), c.ast().getResultType());
        }
        this.cel = KubernetesCel.env(SimpleType.DYN, null, types);
        i = 0;
        for (JsonNode v : spec.path("validations")) {
            Compiled check = compile(cel, "spec.validations[" + i + "].expression", v.path("expression").asString(),
                    SimpleType.BOOL);
            Compiled message = v.has("messageExpression")
                    ? compile(cel, "spec.validations[" + i + "].messageExpression", v.path("messageExpression").asString(),
                            SimpleType.STRING)
                    : null;
            validations.add(new Validation(check, v.path("message").asString(""), v.path("reason").asString("Invalid"),
                    message));
            i++;
        }
    }

    /**
     * @param policy  a ValidatingAdmissionPolicy
     * @param binding a ValidatingAdmissionPolicyBinding of it
     * @return the compiled policy
     * @throws AssertionError if an expression does not compile or has the wrong type
     */
    public static AdmissionPolicy of(JsonNode policy, JsonNode binding) {
        return new AdmissionPolicy(policy, binding);
    }

    /** @return the kit's policy and binding, rendered from samples/kubernetes/admission with kubectl kustomize */
    public static AdmissionPolicy fromKit() {
        return of(Rendered.of(Path.of("admission")));
    }

    /**
     * @param rendered a rendering with one ValidatingAdmissionPolicy and one binding
     * @return the compiled policy
     */
    public static AdmissionPolicy of(Rendered rendered) {
        return of(rendered.one("ValidatingAdmissionPolicy").orElseThrow(),
                rendered.one("ValidatingAdmissionPolicyBinding").orElseThrow());
    }

    /** @return the kit's admission directory */
    public static Path kitDir() {
        return Kit.dir().resolve("admission");
    }

    /** @return the policy object */
    public JsonNode policy() {
        return policy;
    }

    /** @return the binding object */
    public JsonNode binding() {
        return binding;
    }

    /** @return every CEL expression of the policy, as {@code fieldRef -> expression}, in order */
    public Map<String, String> expressions() {
        Map<String, String> all = new LinkedHashMap<>();
        variables.forEach(v -> all.put(v.fieldRef(), v.expression()));
        for (Validation v : validations) {
            all.put(v.check().fieldRef(), v.check().expression());
            if (v.messageExpression() != null) {
                all.put(v.messageExpression().fieldRef(), v.messageExpression().expression());
            }
        }
        return all;
    }

    private static String name(JsonNode o) {
        return o.path("metadata").path("name").asString("");
    }

    private static Compiled compile(Cel env, String fieldRef, String expression, CelType required) {
        CelValidationResult r = env.compile(expression);
        if (r.hasError()) {
            throw new AssertionError(fieldRef + " does not compile: " + r.getErrorString());
        }
        try {
            CelAbstractSyntaxTree ast = r.getAst();
            if (required != null && !ast.getResultType().equals(required)) {
                throw new AssertionError(fieldRef + " must evaluate to " + required.name() + " but got "
                        + ast.getResultType().name() + ": " + expression);
            }
            return new Compiled(fieldRef, expression, ast, env.createProgram(ast));
        } catch (CelValidationException | CelEvaluationException e) {
            throw new AssertionError(fieldRef + ": " + e.getMessage(), e);
        }
    }

    /**
     * What the API server's type checker would report in the policy's {@code status.typeChecking}: every
     * variable, validation and message expression compiled with {@code object} and {@code oldObject} typed
     * from the kind's schema. A policy with warnings is still enforced; the kit's must have none.
     *
     * @param kind the matched kind's types, e.g. {@code ModelCelTypes.of(V1Pod.class, "Pod")}
     * @return the warnings, {@code fieldRef: issue}, empty when none
     */
    public List<String> typeCheck(ModelCelTypes kind) {
        List<String> warnings = new ArrayList<>();
        Map<String, CelType> types = new LinkedHashMap<>();
        int i = 0;
        for (JsonNode v : policy.path("spec").path("variables")) {
            CelValidationResult r = KubernetesCel.env(kind.root(), kind, types).compile(v.path("expression").asString());
            if (r.hasError()) {
                warnings.add("spec.variables[" + i + "].expression: " + r.getErrorString());
                types.put(v.path("name").asString(), SimpleType.DYN);
            } else {
                try {
                    types.put(v.path("name").asString(), r.getAst().getResultType());
                } catch (CelValidationException e) {
                    throw new AssertionError(e);
                }
            }
            i++;
        }
        Cel typed = KubernetesCel.env(kind.root(), kind, types);
        i = 0;
        for (JsonNode v : policy.path("spec").path("validations")) {
            for (String field : List.of("expression", "messageExpression")) {
                if (v.has(field)) {
                    CelValidationResult r = typed.compile(v.path(field).asString());
                    if (r.hasError()) {
                        warnings.add("spec.validations[" + i + "]." + field + ": " + r.getErrorString());
                    }
                }
            }
            i++;
        }
        return warnings;
    }

    /**
     * @param request a request
     * @return whether the policy's matchConstraints and the binding's matchResources select it
     */
    public boolean matches(Request request) {
        return matches(policy.path("spec").path("matchConstraints"), request)
                && matches(binding.path("spec").path("matchResources"), request);
    }

    private static boolean matches(JsonNode match, Request r) {
        if (match.isMissingNode()) {
            return true;
        }
        if (match.has("resourceRules") && !anyRule(match.path("resourceRules"), r)) {
            return false;
        }
        if (anyRule(match.path("excludeResourceRules"), r)) {
            return false;
        }
        if (r.namespace() != null && !LabelSelectors.matches(match.path("namespaceSelector"), LabelSelectors.labels(r.namespace()))) {
            return false;
        }
        JsonNode objectSelector = match.path("objectSelector");
        if (!objectSelector.isMissingNode()) {
            boolean object = r.object() != null && LabelSelectors.matches(objectSelector, LabelSelectors.labels(r.object()));
            boolean old = r.oldObject() != null && LabelSelectors.matches(objectSelector, LabelSelectors.labels(r.oldObject()));
            return object || old;
        }
        return true;
    }

    private static boolean anyRule(JsonNode rules, Request r) {
        for (JsonNode rule : rules) {
            if (has(rule.path("operations"), r.operation()) && has(rule.path("apiGroups"), r.group())
                    && has(rule.path("apiVersions"), r.version()) && hasResource(rule.path("resources"), r)) {
                return true;
            }
        }
        return false;
    }

    /** "pods" matches the pods resource only, "pods/eviction" its subresource, "*" every resource, "*\/*" everything. */
    private static boolean hasResource(JsonNode values, Request r) {
        for (JsonNode v : values) {
            String rule = v.asString();
            if (rule.equals("*/*") || rule.equals(r.resourceWithSubresource())
                    || (rule.equals("*") && r.subResource().isEmpty())
                    || (rule.equals("*/" + r.subResource()) && !r.subResource().isEmpty())) {
                return true;
            }
        }
        return false;
    }

    private static boolean has(JsonNode values, String value) {
        for (JsonNode v : values) {
            if (v.asString().equals("*") || v.asString().equals(value)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Admits or refuses a request.
     *
     * @param request the request
     * @return the decision
     */
    public Decision admit(Request request) {
        if (!matches(request)) {
            return new Decision(false, List.of(), false, "", List.of());
        }
        Map<String, Object> activation = new LinkedHashMap<>();
        activation.put("object", KubernetesCel.value(request.object()));
        activation.put("oldObject", KubernetesCel.value(request.oldObject()));
        activation.put("request", requestValue(request));
        activation.put("namespaceObject", KubernetesCel.value(request.namespace()));
        Map<String, Object> vars = new LinkedHashMap<>();
        activation.put("variables", vars);
        int i = 0;
        for (JsonNode v : policy.path("spec").path("variables")) {
            try {
                vars.put(v.path("name").asString(), variables.get(i).program().eval(activation));
            } catch (CelEvaluationException e) {
                // left out: an expression that uses it fails with "no such key", as it fails in the API server
            }
            i++;
        }
        boolean failClosed = !"Ignore".equals(policy.path("spec").path("failurePolicy").asString("Fail"));
        List<Denial> denials = new ArrayList<>();
        i = 0;
        for (Validation v : validations) {
            Object result;
            try {
                result = v.check().program().eval(activation);
            } catch (CelEvaluationException e) {
                if (failClosed) {
                    denials.add(new Denial(i, "Invalid", "expression '" + v.check().expression().strip()
                            + "' resulted in error: " + e.getMessage(), true));
                }
                i++;
                continue;
            }
            if (!Boolean.TRUE.equals(result)) {
                denials.add(new Denial(i, v.reason(), message(v, activation), false));
            }
            i++;
        }
        List<String> actions = new ArrayList<>();
        binding.path("spec").path("validationActions").forEach(a -> actions.add(a.asString()));
        boolean refused = !denials.isEmpty() && actions.contains("Deny");
        String prefix = "ValidatingAdmissionPolicy '" + name(policy) + "' with binding '" + name(binding) + "' denied request: ";
        String status = refused ? request.resource() + " \"" + objectName(request) + "\" is forbidden: " + prefix
                + denials.get(0).message() : "";
        List<String> warnings = new ArrayList<>();
        if (actions.contains("Warn")) {
            for (Denial d : denials) {
                warnings.add("Validation failed for ValidatingAdmissionPolicy '" + name(policy) + "' with binding '"
                        + name(binding) + "': " + d.message());
            }
        }
        return new Decision(true, List.copyOf(denials), refused, status, List.copyOf(warnings));
    }

    private String message(Validation v, Map<String, Object> activation) {
        String message = "";
        if (v.messageExpression() != null) {
            try {
                Object m = v.messageExpression().program().eval(activation);
                if (m instanceof String s) {
                    message = s.strip();
                    if (message.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES || message.contains("\n")) {
                        message = "";
                    }
                }
            } catch (CelEvaluationException e) {
                message = ""; // logged by the API server; falls back to message
            }
        }
        if (message.isEmpty()) {
            message = v.message().strip();
        }
        if (message.isEmpty()) {
            message = "failed expression: " + v.check().expression().strip();
        }
        return message;
    }

    private static String objectName(Request r) {
        JsonNode meta = r.object() == null ? r.oldObject().path("metadata") : r.object().path("metadata");
        String name = meta.path("name").asString("");
        if (!name.isEmpty()) {
            return name;
        }
        String generateName = meta.path("generateName").asString("");
        return generateName.isEmpty() ? "Unknown" : generateName;
    }

    private static Map<String, Object> requestValue(Request r) {
        Map<String, Object> gvk = Map.of("group", r.kindGroup(), "version", r.version(), "kind", r.kind());
        Map<String, Object> gvr = Map.of("group", r.group(), "version", r.version(), "resource", r.resource());
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("kind", gvk);
        req.put("resource", gvr);
        req.put("subResource", r.subResource());
        req.put("requestKind", gvk);
        req.put("requestResource", gvr);
        req.put("requestSubResource", r.subResource());
        req.put("name", r.object() == null ? "" : r.object().path("metadata").path("name").asString(""));
        req.put("namespace", r.namespaceName());
        req.put("operation", r.operation());
        req.put("userInfo", Map.of("username", r.username(), "uid", "", "groups", List.copyOf(r.groups()),
                "extra", Map.copyOf(r.extra())));
        req.put("dryRun", false);
        req.put("options", Map.of("apiVersion", "meta.k8s.io/v1", "kind", r.operation().equals("CREATE")
                ? "CreateOptions" : "UpdateOptions"));
        return req;
    }
}
