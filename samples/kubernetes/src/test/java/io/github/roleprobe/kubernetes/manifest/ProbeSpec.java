package io.github.roleprobe.kubernetes.manifest;

import tools.jackson.databind.JsonNode;

/**
 * An httpGet or tcpSocket probe as the kubelet reads it, with the Kubernetes defaults for absent fields
 * (periodSeconds 10, timeoutSeconds 1, failureThreshold 3, successThreshold 1, initialDelaySeconds 0). An httpGet probe
 * succeeds with a status 200..399 within {@code timeoutSeconds}, a tcpSocket probe when the connection is accepted
 * within it.
 *
 * @param path             HTTP path of an httpGet probe, {@code null} for a tcpSocket probe
 * @param port             container port number (a named port resolved against the container's ports)
 * @param initialDelaySeconds seconds after the container started before results count
 * @param periodSeconds    seconds between probes
 * @param timeoutSeconds   seconds one probe may take
 * @param successThreshold consecutive successes that make the result success
 * @param failureThreshold consecutive failures that make the result failure
 */
public record ProbeSpec(String path, int port, int initialDelaySeconds, int periodSeconds, int timeoutSeconds,
        int successThreshold, int failureThreshold) {

    /** @return whether this is a tcpSocket probe (no {@link #path}) */
    public boolean tcpSocket() {
        return path == null;
    }

    static ProbeSpec of(JsonNode probe, JsonNode container) {
        JsonNode http = probe.path("httpGet");
        JsonNode tcp = probe.path("tcpSocket");
        if (http.isMissingNode() && tcp.isMissingNode()) {
            throw new AssertionError("only httpGet and tcpSocket probes are simulated: " + probe);
        }
        String path = http.isMissingNode() ? null : http.path("path").asString("/");
        int port = resolvePort((http.isMissingNode() ? tcp : http).path("port"), container);
        return new ProbeSpec(path, port, probe.path("initialDelaySeconds").asInt(0), probe.path("periodSeconds").asInt(10),
                probe.path("timeoutSeconds").asInt(1), probe.path("successThreshold").asInt(1),
                probe.path("failureThreshold").asInt(3));
    }

    static int resolvePort(JsonNode port, JsonNode container) {
        if (port.isInt()) {
            return port.asInt();
        }
        String name = port.asString("");
        for (JsonNode p : container.path("ports")) {
            if (name.equals(p.path("name").asString(""))) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("probe port '" + name + "' is not a named port of container "
                + container.path("name").asString("?"));
    }
}
