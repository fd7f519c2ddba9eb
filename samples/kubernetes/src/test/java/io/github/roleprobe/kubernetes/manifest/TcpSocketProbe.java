package io.github.roleprobe.kubernetes.manifest;

import tools.jackson.databind.JsonNode;

/**
 * A tcpSocket probe as the kubelet reads it (success: the TCP connection is accepted within {@code timeoutSeconds}),
 * with the Kubernetes defaults for absent fields, as {@link ProbeSpec} for httpGet probes.
 *
 * @param port             container port number (a named port resolved against the container's ports)
 * @param initialDelaySeconds seconds after the container started before results count
 * @param periodSeconds    seconds between probes
 * @param timeoutSeconds   seconds one connection attempt may take
 * @param successThreshold consecutive successes that make the result success
 * @param failureThreshold consecutive failures that make the result failure
 */
public record TcpSocketProbe(int port, int initialDelaySeconds, int periodSeconds, int timeoutSeconds,
        int successThreshold, int failureThreshold) {

    /**
     * @param container a container of a rendered Deployment
     * @param field     {@code startupProbe}, {@code livenessProbe} or {@code readinessProbe}
     * @return that probe, which must be a tcpSocket probe
     * @throws AssertionError if the container has no such probe or it is not a tcpSocket probe
     */
    public static TcpSocketProbe of(JsonNode container, String field) {
        JsonNode probe = container.path(field);
        JsonNode tcp = probe.path("tcpSocket");
        if (tcp.isMissingNode()) {
            throw new AssertionError("container " + container.path("name").asString("?") + ": " + field
                    + " is not a tcpSocket probe: " + probe);
        }
        return new TcpSocketProbe(ProbeSpec.resolvePort(tcp.path("port"), container),
                probe.path("initialDelaySeconds").asInt(0), probe.path("periodSeconds").asInt(10),
                probe.path("timeoutSeconds").asInt(1), probe.path("successThreshold").asInt(1),
                probe.path("failureThreshold").asInt(3));
    }
}
