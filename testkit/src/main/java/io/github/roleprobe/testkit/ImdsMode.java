package io.github.roleprobe.testkit;

/** How the simulated EC2 instance metadata service (IMDSv2) behaves. */
public enum ImdsMode {
    /** IMDSv2 answers and hands out the node role's credentials (the default). */
    NODE_ROLE,
    /** Nothing listens on the IMDS port: connections are refused. */
    ABSENT,
    /**
     * Connections are accepted and never answered (like IMDS with a hop limit of 1 seen from a
     * pod): requests are held for a bounded time, then the connection is closed.
     */
    BLACK_HOLE
}
