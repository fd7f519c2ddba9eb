package io.github.roleprobe.kubernetes.admission;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.gson.annotations.SerializedName;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CEL object types for a Kubernetes kind, built from the official Kubernetes Java client's generated
 * model (generated from the same OpenAPI schema the API server resolves), the way the API server's
 * ValidatingAdmissionPolicy type checker builds them from that schema
 * ({@code k8s.io/apiserver/pkg/cel/common.SchemaDeclType} and {@code DeclType.MaybeAssignTypeName}):
 * every object is a struct type named by its path from the root ({@code Pod.spec},
 * {@code Pod.spec.containers.@idx}, {@code Pod.metadata.labels.@elem} for map values), so that
 * {@code containers} and {@code initContainers} are two different element types, as in the API server.
 *
 * <p>Simplifications, all towards "less strict" (an expression accepted by the API server is accepted
 * here): {@code IntOrString}, {@code Quantity} and untyped fields are {@code dyn}; property names are not
 * escaped (the API server escapes reserved words such as {@code namespace} in schema types).
 */
public final class ModelCelTypes implements CelTypeProvider {

    private static final String MODELS = "io.kubernetes.client.openapi.models.";
    private static final int MAX_DEPTH = 25;

    private final Map<String, CelType> types = new LinkedHashMap<>();
    private final CelType root;

    private ModelCelTypes(Class<?> model, String rootName) {
        this.root = typeOf(model, rootName, 0);
    }

    /**
     * @param model    a model class, e.g. {@code V1Pod.class}
     * @param rootName the root type's name, e.g. {@code Pod}
     * @return the types of that kind
     */
    public static ModelCelTypes of(Class<?> model, String rootName) {
        return new ModelCelTypes(model, rootName);
    }

    /** @return the root object type */
    public CelType root() {
        return root;
    }

    @Override
    public ImmutableCollection<CelType> types() {
        return ImmutableList.copyOf(types.values());
    }

    @Override
    public Optional<CelType> findType(String typeName) {
        return Optional.ofNullable(types.get(typeName));
    }

    private CelType typeOf(Type type, String path, int depth) {
        if (depth > MAX_DEPTH) {
            return SimpleType.DYN;
        }
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (List.class.isAssignableFrom(raw)) {
                return ListType.create(typeOf(args[0], path + ".@idx", depth + 1));
            }
            if (Map.class.isAssignableFrom(raw)) {
                return MapType.create(SimpleType.STRING, typeOf(args[1], path + ".@elem", depth + 1));
            }
            return SimpleType.DYN;
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class) {
            return SimpleType.STRING;
        }
        if (c == Integer.class || c == Long.class || c == int.class || c == long.class) {
            return SimpleType.INT;
        }
        if (c == Boolean.class || c == boolean.class) {
            return SimpleType.BOOL;
        }
        if (c == Double.class || c == Float.class || c == BigDecimal.class) {
            return SimpleType.DOUBLE;
        }
        if (c == OffsetDateTime.class) {
            return SimpleType.TIMESTAMP;
        }
        if (c == byte[].class) {
            return SimpleType.BYTES;
        }
        if (!c.getName().startsWith(MODELS)) {
            return SimpleType.DYN; // IntOrString, Quantity, Object
        }
        Map<String, Type> fields = new LinkedHashMap<>();
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                SerializedName name = f.getAnnotation(SerializedName.class);
                if (name != null) {
                    fields.put(name.value(), f.getGenericType());
                }
            }
        }
        Map<String, CelType> fieldTypes = new LinkedHashMap<>();
        StructType struct = StructType.create(path, ImmutableSet.copyOf(fields.keySet()),
                fieldName -> Optional.ofNullable(fieldTypes.get(fieldName)));
        types.put(path, struct);
        fields.forEach((name, t) -> fieldTypes.put(name, typeOf(t, path + "." + name, depth + 1)));
        return struct;
    }
}
