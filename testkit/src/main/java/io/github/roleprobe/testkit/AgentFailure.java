package io.github.roleprobe.testkit;

/**
 * How the simulated EKS Pod Identity agent fails: while the Pod Identity association is not yet
 * consistent (see {@link EksPodSimulator.Builder#associationConsistentAfter(java.time.Duration)} and
 * {@link EksPodSimulator.Builder#agentFailure(AgentFailure)}), or for every request during an outage
 * ({@link EksPodSimulator.Builder#agentOutage(AgentFailure)}, {@link EksPodSimulator#setAgentOutage(AgentFailure)}).
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
    TIMEOUT,
    /**
     * HTTP 404 with a JSON error body ({@code {"Code":"NotFound","Message":...}}), as from an agent that
     * does not serve the path; the AWS SDK for Java reports the URL, not the body, and does not retry.
     */
    NOT_FOUND_404,
    /**
     * HTTP 502 with an HTML error page ({@code text/html}), as from a proxy or load balancer in front of
     * an agent that is down; the AWS SDK for Java retries 5xx answers a few times and cannot parse the page.
     */
    BAD_GATEWAY_502_HTML
}
