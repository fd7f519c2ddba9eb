package io.github.roleprobe.testkit;

/**
 * How the simulated EKS Pod Identity agent fails while the Pod Identity association is not yet
 * consistent (see {@link EksPodSimulator.Builder#associationConsistentAfter(java.time.Duration)}).
 */
public enum AgentFailure {
    /** HTTP 403 with a JSON error body, as when the agent cannot yet assume the target role. */
    FORBIDDEN_403,
    /** HTTP 500 with a JSON error body; the AWS SDKs retry these a few times. */
    SERVER_ERROR_500,
    /**
     * The agent accepts the request and answers nothing until the SDK's read timeout has passed,
     * then closes the connection. The hold is bounded (see
     * {@link EksPodSimulator.Builder#requestHold(java.time.Duration)}) and released on close.
     */
    TIMEOUT
}
