package io.github.roleprobe.benchmarks.sim;

/** Settings for the simulator's loopback servers in simulation runs. */
final class Loopback {

    private Loopback() {
    }

    /**
     * Sets TCP_NODELAY on the JDK HTTP server's sockets ({@code sun.net.httpserver.nodelay}), before the
     * first simulator starts. Without it each STS answer written in two segments waits for the client's
     * delayed ACK (about 40 ms on Linux loopback), which makes a simulation of thousands of STS calls
     * spend most of its wall-clock time waiting. It changes no result: virtual time does not move during
     * a call.
     */
    static void fastResponses() {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }
}
