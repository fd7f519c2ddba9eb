package io.github.roleprobe.benchmarks.guard;

import com.sun.net.httpserver.HttpServer;
import io.github.roleprobe.benchmarks.sim.VirtualClock;
import io.github.roleprobe.benchmarks.sim.VirtualScheduler;
import io.github.roleprobe.config.RoleProbeConfig;
import io.github.roleprobe.credentials.ApplicationCredentials;
import io.github.roleprobe.environment.PodEnvironment;
import io.github.roleprobe.guard.RequestGuard;
import io.github.roleprobe.guard.RequestIdentity;
import io.github.roleprobe.guard.ServiceCounters;
import io.github.roleprobe.verify.IdentityVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * What the with/without measurements of a real SDK call share: a loopback JDK {@code HttpServer} that answers every
 * request with the same valid STS {@code GetCallerIdentity} body (no signature check: the server's cost is small and
 * constant), an application {@code StsClient} (url-connection-client, static session credentials named as the
 * container provider names them, the SDK's default retries and timeouts) calling it, and, when the guard is wanted,
 * a verifier ({@code role-probe.guard.mode=observe}, the default) VERIFIED through the same server with the same key,
 * the client's key settled as the expected role by one call, so that every later request takes the guard's hot path.
 * Not thread-safe: one measuring thread.
 */
final class GuardedCallFixture implements AutoCloseable {

    private static final byte[] ANSWER = ("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
            + "<GetCallerIdentityResult>"
            + "<Arn>arn:aws:sts::111122223333:assumed-role/orders/eks-demo-orders-bench</Arn>"
            + "<UserId>AROAEXAMPLEROLEID0001:eks-demo-orders-bench</UserId>"
            + "<Account>111122223333</Account>"
            + "</GetCallerIdentityResult>"
            + "<ResponseMetadata><RequestId>7f1a8c2e-0d3b-4c5e-9a6f-1b2c3d4e5f60</RequestId></ResponseMetadata>"
            + "</GetCallerIdentityResponse>").getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final IdentityVerifier verifier;
    private final StsClient client;
    private long calls;

    /**
     * Starts the server, the verifier (when {@code withGuard}) and the client, and makes the client's first call.
     *
     * @param withGuard whether a verified verifier with an active guard is in the JVM
     * @throws IOException if the server cannot bind a loopback port
     * @throws IllegalStateException if the verifier does not verify or the client's key is not settled as expected
     */
    GuardedCallFixture(boolean withGuard) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            exchange.getResponseHeaders().set("Content-Type", "text/xml");
            exchange.sendResponseHeaders(200, ANSWER.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(ANSWER);
            }
        });
        server.start();
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        AwsSessionCredentials credentials = AwsSessionCredentials.builder()
                .accessKeyId("ASIAEXAMPLEBENCH0001").secretAccessKey("bench-secret-key-not-a-real-one")
                .sessionToken("bench-session-token").providerName(RequestGuardBenchmark.CONTAINER_PROVIDER).build();
        if (withGuard) {
            RoleProbeConfig config = RoleProbeConfig.builder().roleArns(List.of(RequestGuardBenchmark.ROLE))
                    .region("us-east-1").stsEndpoint(endpoint.toString()).build();
            VirtualScheduler scheduler = new VirtualScheduler(new VirtualClock(Instant.now()));
            verifier = IdentityVerifier.builder()
                    .config(config)
                    .environment(PodEnvironment.of(RequestGuardBenchmark.POD_IDENTITY_ENV))
                    .credentials(ApplicationCredentials.of(StaticCredentialsProvider.create(credentials)))
                    .scheduler(scheduler.newView())
                    .build()
                    .start();
            scheduler.runUntil(0);
            if (!verifier.ready()) {
                throw new IllegalStateException("set-up failed to verify: " + verifier.snapshot());
            }
        } else {
            verifier = null;
        }
        client = StsClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(endpoint)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .build();
        call();
        if (verifier != null) {
            List<Map<String, Object>> clients = guard().clientDetails();
            if (clients.size() != 1 || !"expected".equals(clients.get(0).get("identity"))
                    || verifier.snapshot().stsCalls() != 1 || !verifier.ready()) {
                throw new IllegalStateException("client not settled as expected: " + clients + " "
                        + verifier.snapshot());
            }
        }
    }

    /** @return the answer of one {@code GetCallerIdentity} call of the application's client */
    GetCallerIdentityResponse call() {
        calls++;
        return client.getCallerIdentity();
    }

    /** @return the calls made so far, the set-up's included */
    long calls() {
        return calls;
    }

    /** @return the verifier's guard; only with the guard */
    RequestGuard guard() {
        return verifier.guard().orElseThrow();
    }

    /**
     * Checks that the guard counted exactly {@code expectedCalls} requests, all as the expected role, and nothing else.
     *
     * @param expectedCalls the calls made while the guard was active
     * @return a one-line summary
     * @throws IllegalStateException if it did not
     */
    String checkGuardSaw(long expectedCalls) {
        RequestGuard g = guard();
        long expected = g.services().stream().mapToLong(c -> c.count(RequestIdentity.EXPECTED, false)).sum();
        long other = 0;
        for (ServiceCounters c : g.services()) {
            for (RequestIdentity id : RequestIdentity.values()) {
                other += id == RequestIdentity.EXPECTED ? 0 : c.count(id, false) + c.count(id, true);
            }
        }
        String summary = "guard counted " + expected + " expected requests of " + expectedCalls + " guarded calls, "
                + other + " others";
        if (expected != expectedCalls || other != 0) {
            throw new IllegalStateException("the guard did not see every guarded call as expected: " + summary);
        }
        return summary;
    }

    @Override
    public void close() {
        if (verifier != null) {
            verifier.close();
        }
        client.close();
        server.stop(0);
    }
}
