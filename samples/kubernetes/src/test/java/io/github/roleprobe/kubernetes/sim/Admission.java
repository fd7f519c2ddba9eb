package io.github.roleprobe.kubernetes.sim;

import io.github.roleprobe.testkit.EksPodSimulator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A simulated pod admission: the container's env from the rendered manifest, plus what the EKS Pod
 * Identity webhook injects at pod CREATE (only then: a container restart keeps the pod's env), plus
 * the simulated world's network (STS, IMDS and agent endpoints on loopback, empty shared AWS files,
 * the in-cluster marker).
 */
public final class Admission {

    /** What the webhook injected when the pod was created. */
    public enum Injection {
        /** The association was visible: AWS_CONTAINER_CREDENTIALS_FULL_URI and the token file. */
        POD_IDENTITY,
        /** The service account's role-arn annotation: AWS_ROLE_ARN and the web identity token file. */
        IRSA,
        /** Nothing: the pod was admitted before the association was visible. */
        NONE
    }

    private static final Set<String> POD_IDENTITY_ENV = Set.of("AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    private static final Set<String> IRSA_ENV = Set.of("AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE");

    private Admission() {
    }

    /**
     * @param containerEnv the container's env from the manifest
     * @param world        the simulated EKS world the pod runs in
     * @param injection    what the webhook injects into this pod
     * @return the env the container's processes get
     */
    public static Map<String, String> admit(Map<String, String> containerEnv, EksPodSimulator world, Injection injection) {
        Map<String, String> env = new LinkedHashMap<>(containerEnv);
        Map<String, String> worldEnv = world.environment();
        String region = containerEnv.get("AWS_REGION");
        if (region != null && !region.equals(world.region())) {
            throw new AssertionError("the manifest's AWS_REGION " + region + " differs from the simulated region "
                    + world.region());
        }
        worldEnv.forEach((k, v) -> {
            if (POD_IDENTITY_ENV.contains(k)) {
                if (injection == Injection.POD_IDENTITY) {
                    env.putIfAbsent(k, v); // the webhook leaves variables the container sets alone
                }
            } else if (IRSA_ENV.contains(k)) {
                if (injection == Injection.IRSA) {
                    env.putIfAbsent(k, v);
                }
            } else if (k.equals("AWS_REGION") || k.equals("AWS_STS_REGIONAL_ENDPOINTS")) {
                env.putIfAbsent(k, v);
            } else {
                env.put(k, v); // the simulated network: endpoints on loopback, in-cluster marker
            }
        });
        if (injection == Injection.POD_IDENTITY && !env.containsKey("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
            throw new AssertionError("the simulated world has no Pod Identity agent");
        }
        if (injection == Injection.IRSA && !env.containsKey("AWS_WEB_IDENTITY_TOKEN_FILE")) {
            throw new AssertionError("the simulated world has no IRSA token");
        }
        return env;
    }
}
