package io.github.roleprobe.kubernetes.sim;

import java.time.Duration;

/**
 * Time scaling of the simulated Kubernetes control plane: every kubelet and controller timer (probe
 * periods and initial delays, container restart back-off, termination grace, Job pod back-off,
 * Argo CD's wave delay) and role-probe's own liveness grace are divided by {@code factor}.
 *
 * <p>Not scaled, because they are the real behaviour under test and not Kubernetes timers: the JVM's
 * start, the app's and the verifier's work (its retry backoff), the moment the simulated
 * association becomes effective, and probe {@code timeoutSeconds} (a timeout bounds the real latency
 * of a real JVM on this machine; dividing it would measure the machine's load, not the manifest).
 *
 * @param factor how many times faster than real Kubernetes; 1 is real time
 */
public record Scale(double factor) {

    /** The default factor of the probe-loop tests; override with {@code -Droleprobe.kubelet.scale=N}. */
    public static final double DEFAULT = 5;

    /** Checks the factor. */
    public Scale {
        if (!(factor >= 1)) {
            throw new IllegalArgumentException("scale factor must be >= 1: " + factor);
        }
    }

    /** @return the factor from {@code roleprobe.kubelet.scale}, else {@link #DEFAULT} */
    public static Scale fromSystemProperty() {
        return new Scale(Double.parseDouble(System.getProperty("roleprobe.kubelet.scale", String.valueOf(DEFAULT))));
    }

    /** @return real time */
    public static Scale realTime() {
        return new Scale(1);
    }

    /**
     * @param seconds a Kubernetes duration in seconds
     * @return the simulated duration
     */
    public Duration seconds(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e9 / factor));
    }

    /**
     * @param d a Kubernetes duration
     * @return the simulated duration
     */
    public Duration of(Duration d) {
        return Duration.ofNanos(Math.round(d.toNanos() / factor));
    }

    @Override
    public String toString() {
        return factor == 1 ? "real time" : "1/" + (factor == Math.rint(factor) ? String.valueOf((long) factor) : String.valueOf(factor));
    }
}
