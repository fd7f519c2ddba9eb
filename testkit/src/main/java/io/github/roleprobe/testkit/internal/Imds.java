package io.github.roleprobe.testkit.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import io.github.roleprobe.testkit.ImdsMode;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * EC2 instance metadata service, IMDSv2 only (tokens required, as EKS node groups are set up):
 * {@code PUT /latest/api/token}, then {@code /latest/meta-data/iam/security-credentials/} (role
 * name) and {@code .../security-credentials/<role>} (credential document), plus
 * {@code instance-id}, {@code placement/region}, {@code placement/availability-zone} and
 * {@code /latest/dynamic/instance-identity/document} (where the SDKs look for a region). {@code security-credentials-extended/} answers
 * 404 so that SDKs that try it first fall back. The mode can change while running. Thread-safe.
 */
public final class Imds implements HttpHandler, AutoCloseable {

    private static final String TOKEN_PATH = "/latest/api/token";
    private static final String CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/";
    private static final String TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
    private static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";

    private final ScenarioConfig config;
    private final CredentialRegistry registry;
    private final Counters counters;
    private final RequestHolds holds;
    private final Clock clock;
    private final String roleName;
    /** Held for the simulator's life, so that the port stays ours while nothing listens ({@link ImdsMode#ABSENT}). */
    private final ReservedPort port;
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private ImdsMode mode;
    private LoopbackServer server;
    private IssuedCredentials credentials;
    private Instant credentialsMinted;
    private boolean closed;

    /**
     * Starts listening unless the initial mode is {@link ImdsMode#ABSENT}.
     *
     * @param config   scenario (node role, instance id, initial mode)
     * @param registry mints the node role's credentials
     * @param counters request counters
     * @param holds    releases black-holed requests on close
     * @param clock    time source
     */
    public Imds(ScenarioConfig config, CredentialRegistry registry, Counters counters, RequestHolds holds, Clock clock) {
        this.config = config;
        this.registry = registry;
        this.counters = counters;
        this.holds = holds;
        this.clock = clock;
        this.roleName = Arns.roleName(config.nodeRoleArn());
        this.port = ReservedPort.reserve();
        try {
            setMode(config.imdsMode());
        } catch (RuntimeException e) {
            port.close();
            throw e;
        }
    }

    /** @return the port IMDS listens on (or would, when {@link ImdsMode#ABSENT}: it stays reserved, connections are refused) */
    public int port() {
        return port.port();
    }

    /** @return the current mode */
    public synchronized ImdsMode mode() {
        return mode;
    }

    /**
     * Switches behaviour; {@link ImdsMode#ABSENT} stops listening, the others listen again on the
     * same port. The port stays reserved meanwhile (see {@link ReservedPort}).
     *
     * @param newMode the mode
     * @throws java.io.UncheckedIOException only where the OS cannot keep the port reserved while serving
     *         it (not Linux), if another process took it in the moment between
     */
    public synchronized void setMode(ImdsMode newMode) {
        if (closed) {
            throw new IllegalStateException("simulator is closed");
        }
        mode = newMode;
        if (newMode == ImdsMode.ABSENT && server != null) {
            server.close();
            server = null;
            port.retake();
        } else if (newMode != ImdsMode.ABSENT && server == null) {
            server = port.serve("imds", 16, this);
        }
    }

    /** @return the node role's current credentials, minted on first use */
    public synchronized IssuedCredentials nodeCredentials() {
        if (credentials == null) {
            credentials = registry.issue(config.nodeRoleArn(), config.instanceId());
            credentialsMinted = clock.instant();
        }
        return credentials;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        counters.imdsRequests.incrementAndGet();
        if (mode() == ImdsMode.BLACK_HOLE) {
            holds.hold(config.requestHold());
            exchange.close();
            return;
        }
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        if (TOKEN_PATH.equals(path)) {
            token(exchange, method);
            return;
        }
        if (!"GET".equals(method)) {
            Exchanges.sendText(exchange, 405, "Method Not Allowed");
            return;
        }
        if (!validToken(exchange.getRequestHeaders().getFirst(TOKEN_HEADER))) {
            Exchanges.sendText(exchange, 401, "Unauthorized");
            return;
        }
        if (CREDENTIALS_PATH.equals(path) || (CREDENTIALS_PATH.substring(0, CREDENTIALS_PATH.length() - 1)).equals(path)) {
            Exchanges.sendText(exchange, 200, roleName);
        } else if ((CREDENTIALS_PATH + roleName).equals(path) || (CREDENTIALS_PATH + roleName + "/").equals(path)) {
            counters.imdsCredentialRequests.incrementAndGet();
            IssuedCredentials c = nodeCredentials();
            Instant minted;
            synchronized (this) {
                minted = credentialsMinted;
            }
            Exchanges.send(exchange, 200, "text/plain", Json.imdsCredentials(c, minted));
        } else if ("/latest/meta-data/instance-id".equals(path)) {
            Exchanges.sendText(exchange, 200, config.instanceId());
        } else if ("/latest/meta-data/placement/region".equals(path)) {
            Exchanges.sendText(exchange, 200, config.region());
        } else if ("/latest/meta-data/placement/availability-zone".equals(path)) {
            Exchanges.sendText(exchange, 200, config.region() + "a");
        } else if ("/latest/dynamic/instance-identity/document".equals(path)) {
            Exchanges.send(exchange, 200, "text/plain", instanceIdentityDocument());
        } else {
            Exchanges.sendText(exchange, 404, "Not Found");
        }
    }

    /** The document the AWS SDKs read the region from when no region is configured. */
    private byte[] instanceIdentityDocument() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("accountId", config.accountId());
        d.put("architecture", "x86_64");
        d.put("availabilityZone", config.region() + "a");
        d.put("imageId", "ami-0123456789abcdef0");
        d.put("instanceId", config.instanceId());
        d.put("instanceType", "m5.large");
        d.put("privateIp", "10.0.0.10");
        d.put("region", config.region());
        d.put("version", "2017-09-30");
        return Json.object(d);
    }

    private void token(HttpExchange exchange, String method) throws IOException {
        if (!"PUT".equals(method)) {
            Exchanges.sendText(exchange, 405, "Method Not Allowed");
            return;
        }
        String ttlText = exchange.getRequestHeaders().getFirst(TTL_HEADER);
        int ttl;
        try {
            ttl = Integer.parseInt(ttlText == null ? "" : ttlText.trim());
        } catch (NumberFormatException e) {
            ttl = -1;
        }
        if (ttl < 1 || ttl > 21600) {
            Exchanges.sendText(exchange, 400, "Bad Request");
            return;
        }
        String token = registry.remember(registry.randomToken(42));
        tokens.put(token, clock.instant().plusSeconds(ttl));
        exchange.getResponseHeaders().set(TTL_HEADER, Integer.toString(ttl));
        Exchanges.sendText(exchange, 200, token);
    }

    private boolean validToken(String token) {
        if (token == null) {
            return false;
        }
        Instant expires = tokens.get(token);
        return expires != null && clock.instant().isBefore(expires);
    }

    /** Stops listening and releases the port; no mode change is possible afterwards. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (server != null) {
            server.close();
            server = null;
        }
        port.close();
    }
}
