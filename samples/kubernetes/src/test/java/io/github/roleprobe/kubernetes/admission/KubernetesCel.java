package io.github.roleprobe.kubernetes.admission;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.common.values.NullValue;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The CEL environment of a ValidatingAdmissionPolicy as the API server builds it
 * ({@code k8s.io/apiserver/pkg/admission/plugin/cel}: {@code createEnvForOpts}, {@code BuildRequestType},
 * {@code BuildNamespaceType}; the base environment of {@code k8s.io/apiserver/pkg/cel/environment}), as
 * far as dev.cel can mirror it:
 * <ul>
 *   <li>variables: {@code object} and {@code oldObject} ({@code dyn} when the API server evaluates; typed
 *       from the kind's schema only when it type-checks a policy for {@code status.typeChecking}),
 *       {@code request} ({@code kubernetes.AdmissionRequest}), {@code namespaceObject}
 *       ({@code kubernetes.Namespace}), {@code variables} (an object type whose fields are the policy's
 *       variables, each of its compiled type). {@code params} is declared only with a {@code paramKind}
 *       and {@code authorizer} is not declared here: the kit's policy has no {@code paramKind}, and an
 *       expression using {@code authorizer} fails to compile here (dev.cel has no authorizer library);</li>
 *   <li>the CEL standard macros and functions, homogeneous aggregate literals, cross-type numeric
 *       comparisons, optional types, and the strings and sets extensions;</li>
 *   <li>not available in dev.cel, so not declared (an expression using one fails to compile here, which
 *       is on the safe side): Kubernetes' own libraries (lists {@code isSorted/sum/indexOf},
 *       regex {@code find/findAll}, {@code url}, {@code quantity}, {@code ip}, {@code cidr},
 *       {@code format}, {@code semver}, {@code authorizer}, JSONPatch) and the two-variable
 *       comprehensions; cost limits (per-call and per-evaluation budget) are not enforced.</li>
 * </ul>
 */
public final class KubernetesCel {

    /** {@code kubernetes.AdmissionRequest}, the type of {@code request}. */
    public static final StructType REQUEST;
    /** {@code kubernetes.Namespace}, the type of {@code namespaceObject}. */
    public static final StructType NAMESPACE;
    private static final List<CelType> FIXED_TYPES = new ArrayList<>();

    static {
        StructType gvk = struct("kubernetes.GroupVersionKind", Map.of("group", SimpleType.STRING,
                "version", SimpleType.STRING, "kind", SimpleType.STRING));
        StructType gvr = struct("kubernetes.GroupVersionResource", Map.of("group", SimpleType.STRING,
                "version", SimpleType.STRING, "resource", SimpleType.STRING));
        StructType userInfo = struct("kubernetes.UserInfo", Map.of("username", SimpleType.STRING,
                "uid", SimpleType.STRING, "groups", ListType.create(SimpleType.STRING),
                "extra", MapType.create(SimpleType.STRING, ListType.create(SimpleType.STRING))));
        Map<String, CelType> request = new LinkedHashMap<>();
        request.put("kind", gvk);
        request.put("resource", gvr);
        request.put("subResource", SimpleType.STRING);
        request.put("requestKind", gvk);
        request.put("requestResource", gvr);
        request.put("requestSubResource", SimpleType.STRING);
        request.put("name", SimpleType.STRING);
        request.put("namespace", SimpleType.STRING);
        request.put("operation", SimpleType.STRING);
        request.put("userInfo", userInfo);
        request.put("dryRun", SimpleType.BOOL);
        request.put("options", SimpleType.DYN);
        REQUEST = struct("kubernetes.AdmissionRequest", request);

        StructType nsSpec = struct("kubernetes.NamespaceSpec", Map.of("finalizers", ListType.create(SimpleType.STRING)));
        StructType nsCondition = struct("kubernetes.NamespaceCondition", Map.of("status", SimpleType.STRING,
                "type", SimpleType.STRING, "lastTransitionTime", SimpleType.TIMESTAMP, "message", SimpleType.STRING,
                "reason", SimpleType.STRING));
        StructType nsStatus = struct("kubernetes.NamespaceStatus", Map.of("conditions", ListType.create(nsCondition),
                "phase", SimpleType.STRING));
        Map<String, CelType> nsMeta = new LinkedHashMap<>();
        nsMeta.put("name", SimpleType.STRING);
        nsMeta.put("generateName", SimpleType.STRING);
        nsMeta.put("namespace", SimpleType.STRING);
        nsMeta.put("labels", MapType.create(SimpleType.STRING, SimpleType.STRING));
        nsMeta.put("annotations", MapType.create(SimpleType.STRING, SimpleType.STRING));
        nsMeta.put("UID", SimpleType.STRING);
        nsMeta.put("creationTimestamp", SimpleType.TIMESTAMP);
        nsMeta.put("deletionGracePeriodSeconds", SimpleType.INT);
        nsMeta.put("deletionTimestamp", SimpleType.TIMESTAMP);
        nsMeta.put("generation", SimpleType.INT);
        nsMeta.put("resourceVersion", SimpleType.STRING);
        nsMeta.put("finalizers", ListType.create(SimpleType.STRING));
        StructType nsMetadata = struct("kubernetes.NamespaceMetadata", nsMeta);
        NAMESPACE = struct("kubernetes.Namespace", Map.of("metadata", nsMetadata, "spec", nsSpec, "status", nsStatus));
    }

    /** The name of the {@code variables} object type, as in the API server's composition environment. */
    static final String VARIABLES_TYPE = "kubernetes.variables";

    private KubernetesCel() {
    }

    private static StructType struct(String name, Map<String, CelType> fields) {
        Map<String, CelType> copy = new LinkedHashMap<>(fields);
        StructType t = StructType.create(name, ImmutableSet.copyOf(copy.keySet()), f -> Optional.ofNullable(copy.get(f)));
        FIXED_TYPES.add(t);
        return t;
    }

    /** @return the API server's options as far as dev.cel has them */
    static CelOptions options() {
        return CelOptions.current()
                .enableHomogeneousLiterals(true)
                .enableHeterogeneousNumericComparisons(true)
                .enableOptionalSyntax(true)
                .build();
    }

    /**
     * An environment for compiling and evaluating a policy's expressions.
     *
     * @param object      the type of {@code object} and {@code oldObject}: {@link SimpleType#DYN} as the API
     *                    server evaluates, or the kind's root type (with {@code objectTypes}) as it type-checks
     * @param objectTypes the kind's types, or null with {@code dyn}
     * @param variables   the policy's variables compiled so far, with their types, in order
     * @return the environment
     */
    static Cel env(CelType object, CelTypeProvider objectTypes, Map<String, CelType> variables) {
        Map<String, CelType> vars = new LinkedHashMap<>(variables);
        StructType variablesType = StructType.create(VARIABLES_TYPE, ImmutableSet.copyOf(vars.keySet()),
                f -> Optional.ofNullable(vars.get(f)));
        List<CelType> all = new ArrayList<>(FIXED_TYPES);
        all.add(variablesType);
        CelTypeProvider provider = new CelTypeProvider() {
            @Override
            public ImmutableCollection<CelType> types() {
                List<CelType> t = new ArrayList<>(all);
                if (objectTypes != null) {
                    t.addAll(objectTypes.types());
                }
                return ImmutableList.copyOf(t);
            }

            @Override
            public Optional<CelType> findType(String typeName) {
                for (CelType t : all) {
                    if (t.name().equals(typeName)) {
                        return Optional.of(t);
                    }
                }
                return objectTypes == null ? Optional.empty() : objectTypes.findType(typeName);
            }
        };
        CelOptions options = options();
        return CelFactory.standardCelBuilder()
                .setOptions(options)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .setTypeProvider(provider)
                .addCompilerLibraries(CelExtensions.optional(), CelExtensions.strings(), CelExtensions.sets(options))
                .addRuntimeLibraries(CelExtensions.optional(), CelExtensions.strings(), CelExtensions.sets(options))
                .addVar("object", object)
                .addVar("oldObject", object)
                .addVar("request", REQUEST)
                .addVar("namespaceObject", NAMESPACE)
                .addVar("variables", variablesType)
                .build();
    }

    /**
     * Converts JSON to the values the API server's CEL sees for unstructured objects: objects as maps,
     * arrays as lists, integers as int (long), other numbers as double, null as null. Absent fields stay
     * absent ({@code has()} is false for them).
     *
     * @param node JSON, or null
     * @return the CEL value
     */
    public static Object value(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return NullValue.NULL_VALUE;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                map.put(e.getKey(), value(e.getValue()));
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            for (JsonNode n : node) {
                list.add(value(n));
            }
            return list;
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        return node.asString();
    }
}
