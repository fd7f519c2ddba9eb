package io.github.roleprobe.kubernetes.admission;

import io.github.roleprobe.kubernetes.manifest.Yamls;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The objects a ValidatingAdmissionPolicy sees when a ReplicaSet creates a pod, built from a rendered
 * Deployment:
 * <ul>
 *   <li>the pod the ReplicaSet controller sends ({@code controller.GetPodFromTemplate}): the template's
 *       labels plus {@code pod-template-hash}, its annotations, {@code generateName}
 *       {@code <replicaset>-}, the namespace, a controller owner reference, the template's spec;</li>
 *   <li>what the API server adds before validating admission, as far as a policy on env could care:
 *       defaulting ({@code restartPolicy}, {@code dnsPolicy}, {@code schedulerName},
 *       {@code terminationGracePeriodSeconds}, {@code enableServiceLinks}, each container's
 *       {@code imagePullPolicy} and termination message fields), the ServiceAccount admission plugin's
 *       {@code kube-api-access-*} projected volume and its mount in every container, the
 *       DefaultTolerationSeconds plugin's tolerations and the Priority plugin's {@code priority};</li>
 *   <li>the Namespace, with the {@code kubernetes.io/metadata.name} label the API server sets.</li>
 * </ul>
 * Mutating webhooks (the EKS Pod Identity webhook) are applied to the result separately.
 */
public final class AdmissionObjects {

    private static final String SAFE_ENCODE = "bcdfghjklmnpqrstvwxz2456789";

    private AdmissionObjects() {
    }

    /**
     * @param deployment a rendered Deployment
     * @return the name of the ReplicaSet the Deployment controller would create for its template
     *     ({@code <deployment>-<pod-template-hash>}; the hash here is a stand-in for the controller's FNV hash)
     */
    public static String replicaSetName(JsonNode deployment) {
        return deployment.path("metadata").path("name").asString() + "-" + podTemplateHash(deployment);
    }

    static String podTemplateHash(JsonNode deployment) {
        // As the Deployment controller encodes its 32-bit template hash: each decimal digit mapped to
        // SafeEncodeString's alphabet (here CRC32 of the template's JSON instead of FNV-1a of its dump).
        CRC32 crc = new CRC32();
        crc.update(Yamls.JSON.writeValueAsString(deployment.path("spec").path("template")).getBytes(StandardCharsets.UTF_8));
        StringBuilder b = new StringBuilder();
        for (char c : Long.toString(crc.getValue()).toCharArray()) {
            b.append(SAFE_ENCODE.charAt(c % SAFE_ENCODE.length()));
        }
        return b.toString();
    }

    /**
     * @param deployment a rendered Deployment
     * @return the pod its ReplicaSet sends to the API server, after the API server's defaulting and
     *     built-in mutating admission plugins, before mutating webhooks
     */
    public static ObjectNode podFromTemplate(JsonNode deployment) {
        JsonNode template = deployment.path("spec").path("template");
        String namespace = deployment.path("metadata").path("namespace").asString("default");
        String rs = replicaSetName(deployment);
        ObjectNode pod = Yamls.JSON.createObjectNode();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        ObjectNode meta = pod.putObject("metadata");
        meta.put("generateName", rs + "-");
        meta.put("namespace", namespace);
        ObjectNode labels = meta.putObject("labels");
        template.path("metadata").path("labels").properties().forEach(e -> labels.set(e.getKey(), e.getValue()));
        labels.put("pod-template-hash", podTemplateHash(deployment));
        if (template.path("metadata").has("annotations")) {
            meta.set("annotations", template.path("metadata").path("annotations").deepCopy());
        }
        ObjectNode owner = meta.putArray("ownerReferences").addObject();
        owner.put("apiVersion", "apps/v1");
        owner.put("kind", "ReplicaSet");
        owner.put("name", rs);
        owner.put("uid", "00000000-0000-4000-8000-000000000001");
        owner.put("controller", true);
        owner.put("blockOwnerDeletion", true);

        ObjectNode spec = (ObjectNode) template.path("spec").deepCopy();
        pod.set("spec", spec);
        putIfAbsent(spec, "restartPolicy", "Always");
        putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
        putIfAbsent(spec, "schedulerName", "default-scheduler");
        if (!spec.has("terminationGracePeriodSeconds")) {
            spec.put("terminationGracePeriodSeconds", 30);
        }
        if (!spec.has("enableServiceLinks")) {
            spec.put("enableServiceLinks", true);
        }
        if (!spec.has("securityContext")) {
            spec.putObject("securityContext");
        }
        putIfAbsent(spec, "serviceAccountName", "default");
        spec.put("serviceAccount", spec.path("serviceAccountName").asString());
        spec.put("priority", 0);
        spec.put("preemptionPolicy", "PreemptLowerPriority");
        ArrayNode tolerations = spec.has("tolerations") ? (ArrayNode) spec.path("tolerations") : spec.putArray("tolerations");
        for (String taint : new String[] {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}) {
            ObjectNode t = tolerations.addObject();
            t.put("key", taint);
            t.put("operator", "Exists");
            t.put("effect", "NoExecute");
            t.put("tolerationSeconds", 300);
        }
        String apiAccess = "kube-api-access-" + podTemplateHash(deployment).substring(0, 5);
        ArrayNode volumes = spec.has("volumes") ? (ArrayNode) spec.path("volumes") : spec.putArray("volumes");
        volumes.add(apiAccessVolume(apiAccess));
        for (String list : new String[] {"initContainers", "containers"}) {
            for (JsonNode c : spec.path(list)) {
                ObjectNode container = (ObjectNode) c;
                putIfAbsent(container, "imagePullPolicy",
                        container.path("image").asString("").endsWith(":latest") ? "Always" : "IfNotPresent");
                putIfAbsent(container, "terminationMessagePath", "/dev/termination-log");
                putIfAbsent(container, "terminationMessagePolicy", "File");
                ArrayNode mounts = container.has("volumeMounts") ? (ArrayNode) container.path("volumeMounts")
                        : container.putArray("volumeMounts");
                ObjectNode m = mounts.addObject();
                m.put("name", apiAccess);
                m.put("readOnly", true);
                m.put("mountPath", "/var/run/secrets/kubernetes.io/serviceaccount");
            }
        }
        return pod;
    }

    private static ObjectNode apiAccessVolume(String name) {
        ObjectNode v = Yamls.JSON.createObjectNode();
        v.put("name", name);
        ObjectNode projected = v.putObject("projected");
        projected.put("defaultMode", 420);
        ArrayNode sources = projected.putArray("sources");
        ObjectNode token = sources.addObject().putObject("serviceAccountToken");
        token.put("expirationSeconds", 3607);
        token.put("path", "token");
        ObjectNode ca = sources.addObject().putObject("configMap");
        ca.put("name", "kube-root-ca.crt");
        ObjectNode item = ca.putArray("items").addObject();
        item.put("key", "ca.crt");
        item.put("path", "ca.crt");
        ObjectNode ns = sources.addObject().putObject("downwardAPI").putArray("items").addObject();
        ns.put("path", "namespace");
        ns.putObject("fieldRef").put("apiVersion", "v1").put("fieldPath", "metadata.namespace");
        return v;
    }

    private static void putIfAbsent(ObjectNode o, String field, String value) {
        if (!o.has(field)) {
            o.put(field, value);
        }
    }

    /**
     * @param name   the namespace
     * @param labels its labels (besides {@code kubernetes.io/metadata.name})
     * @return the Namespace object
     */
    public static ObjectNode namespace(String name, Map<String, String> labels) {
        ObjectNode ns = Yamls.JSON.createObjectNode();
        ns.put("apiVersion", "v1");
        ns.put("kind", "Namespace");
        ObjectNode meta = ns.putObject("metadata");
        meta.put("name", name);
        ObjectNode l = meta.putObject("labels");
        l.put("kubernetes.io/metadata.name", name);
        labels.forEach(l::put);
        ns.putObject("spec").putArray("finalizers").add("kubernetes");
        ns.putObject("status").put("phase", "Active");
        return ns;
    }

    /** The ReplicaSet controller's user, as a pod CREATE from a ReplicaSet carries it. */
    public static final String REPLICASET_CONTROLLER = "system:serviceaccount:kube-system:replicaset-controller";
}
