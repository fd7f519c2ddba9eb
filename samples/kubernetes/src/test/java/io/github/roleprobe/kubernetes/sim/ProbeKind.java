package io.github.roleprobe.kubernetes.sim;

/** The kubelet's three probes of a container. */
public enum ProbeKind {
    /** {@code startupProbe}: the others wait for its success, which ends it; its failure restarts the container. */
    STARTUP,
    /** {@code livenessProbe}: its failure restarts the container. */
    LIVENESS,
    /** {@code readinessProbe}: the container's readiness, and so the pod's. */
    READINESS
}
