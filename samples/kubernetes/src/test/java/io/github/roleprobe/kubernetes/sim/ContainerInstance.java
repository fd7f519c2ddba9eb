package io.github.roleprobe.kubernetes.sim;

import java.util.function.IntSupplier;

/**
 * One instance of a container in a simulated pod (one process, from its start to its kill or exit), as the kubelet
 * tracks it and a {@link ProbeWorker} probes it. The state the kubelet changes is volatile: thread-safe.
 */
final class ContainerInstance {

    /** The instance's restart count (0: the first). */
    final int index;
    /** Its process. */
    final AppProcess process;
    /** {@link System#nanoTime()} at its start. */
    final long startedNanos = System.nanoTime();
    /** Whether its startup probe succeeded (from the start for a container without one). */
    volatile boolean started;
    /** Its readiness result. */
    volatile boolean readinessSuccess;
    /** Whether the kubelet killed it. */
    volatile boolean killed;
    private final IntSupplier port;
    private volatile int hostPort;

    /**
     * @param index   the restart count
     * @param process the started process
     * @param port    the loopback port it listens on once it does, 0 until then
     * @param started whether it counts as started at once (no startup probe)
     */
    ContainerInstance(int index, AppProcess process, IntSupplier port, boolean started) {
        this.index = index;
        this.process = process;
        this.port = port;
        this.started = started;
    }

    /** @return the loopback port it listens on, 0 while it does not listen yet */
    int hostPort() {
        int p = hostPort;
        if (p == 0) {
            p = port.getAsInt();
            hostPort = p;
        }
        return p;
    }
}
