package io.github.roleprobe.kubernetes.sim;

import io.github.roleprobe.kubernetes.manifest.ProbeSpec;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The kubelet's prober worker for one probe of one container (kubernetes/kubernetes pkg/kubelet/prober/worker.go),
 * time-scaled by {@link Scale}, as {@link SimulatedPod} and {@link NativeSidecarPod} use it:
 * <ul>
 *   <li>one worker per probe, probing when started and then every {@code periodSeconds}; it outlives container
 *       restarts ({@link #run});</li>
 *   <li>for each container instance anew: results before {@code initialDelaySeconds} of its life are ignored;
 *       liveness and readiness wait for the startup probe's success, which ends the startup probe
 *       ({@link #due});</li>
 *   <li>a result changes only after {@code successThreshold} equal successes or {@code failureThreshold} equal
 *       failures in a row ({@link #count});</li>
 *   <li>after the failure that kills the container the worker holds until the next instance ({@link #hold}).</li>
 * </ul>
 * What the kubelet does with a result (start, kill, Ready) is the pod's. Confined to its worker thread.
 */
final class ProbeWorker {

    private final ProbeKind kind;
    private final ProbeSpec probe;
    private final Scale scale;
    private int instance = -1;
    private Boolean lastResult;
    private int resultRun;
    private boolean onHold;

    /**
     * @param kind  which probe
     * @param probe its settings from the rendered manifest
     * @param scale the kubelet's time scale
     */
    ProbeWorker(ProbeKind kind, ProbeSpec probe, Scale scale) {
        this.kind = kind;
        this.probe = probe;
        this.scale = scale;
    }

    /** @return which probe */
    ProbeKind kind() {
        return kind;
    }

    /** @return its settings */
    ProbeSpec probe() {
        return probe;
    }

    /**
     * Runs {@code tick} now and then every {@code periodSeconds} (scaled) on the calling thread, until {@code closed}
     * or an interrupt. A tick that throws is reported to {@code error} and the worker goes on, as the kubelet's.
     *
     * @param closed whether the pod is gone
     * @param tick   one probe period's work
     * @param error  sees a failed tick
     */
    void run(BooleanSupplier closed, Runnable tick, Consumer<RuntimeException> error) {
        long period = scale.seconds(probe.periodSeconds()).toNanos();
        long next = System.nanoTime();
        while (!closed.getAsBoolean()) {
            try {
                tick.run();
            } catch (RuntimeException e) {
                error.accept(e);
            }
            next = Math.max(next + period, System.nanoTime());
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * @param c the container's current instance, {@code null} when none runs
     * @return whether to probe it in this period; a new instance starts the worker over
     */
    boolean due(ContainerInstance c) {
        if (c == null || c.killed) {
            return false; // no running container: nothing to probe
        }
        if (instance != c.index) {
            instance = c.index;
            lastResult = null;
            resultRun = 0;
            onHold = false;
        }
        if (onHold || (kind == ProbeKind.STARTUP ? c.started : !c.started)) {
            return false; // startup ends with its success; the others wait for it
        }
        return System.nanoTime() - c.startedNanos >= scale.seconds(probe.initialDelaySeconds()).toNanos();
    }

    /**
     * @param result whether this probe succeeded
     * @return the result once as many equal results in a row as its threshold came, empty while below it
     */
    Optional<Boolean> count(boolean result) {
        if (lastResult != null && lastResult == result) {
            resultRun++;
        } else {
            lastResult = result;
            resultRun = 1;
        }
        return resultRun < (result ? probe.successThreshold() : probe.failureThreshold())
                ? Optional.empty() : Optional.of(result);
    }

    /** Holds the worker until the next container instance: the kubelet is killing this one. */
    void hold() {
        onHold = true;
    }
}
