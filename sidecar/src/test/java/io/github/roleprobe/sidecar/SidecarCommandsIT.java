package io.github.roleprobe.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.roleprobe.testkit.AgentFailure;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.testkit.ImdsMode;
import io.github.roleprobe.testkit.StsFailure;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packaged jar's three commands as child processes in a testkit simulated pod, through the real AWS SDK providers
 * (the SDK default chain of the child): each state's exit code and output (check and wait), the probes of serve in
 * each state (core's liveness rule included), a port serve cannot listen on, SIGTERM during wait and serve, and a
 * secret scan over everything the sidecar printed or served.
 */
class SidecarCommandsIT {

    static final String ROLE = "arn:aws:iam::111122223333:role/orders";
    static final Map<String, String> EXPECT_ORDERS = Map.of("ROLE_PROBE_ROLE_ARNS", ROLE);
    /** Expected, but IMDS off: a pod that waits for its association instead of taking the node role. */
    static final Map<String, String> EXPECT_ORDERS_NO_IMDS = Map.of("ROLE_PROBE_ROLE_ARNS", ROLE,
            "AWS_EC2_METADATA_DISABLED", "true");
    /** Another role of the same account: what an association pointed at the wrong role hands out. */
    static final String BILLING = "arn:aws:iam::111122223333:role/billing";

    @TempDir
    Path tmp;

    private final List<EksPodSimulator> simulators = new ArrayList<>();
    private final List<SidecarProcess> processes = new ArrayList<>();

    private EksPodSimulator sim(EksPodSimulator.Builder b) {
        EksPodSimulator s = b.start();
        simulators.add(s);
        return s;
    }

    private SidecarProcess run(EksPodSimulator sim, Map<String, String> env, String... args) {
        SidecarProcess p = SidecarProcess.start(sim, env, tmp, args);
        processes.add(p);
        return p;
    }

    @AfterEach
    void secretsNeverAppearAndEverythingStops() {
        for (SidecarProcess p : processes) {
            p.close();
        }
        for (EksPodSimulator s : simulators) {
            assertThat(s.issuedSecrets()).as("the simulator issued secrets to scan for").isNotEmpty();
            for (SidecarProcess p : processes) {
                List<String> everything = new ArrayList<>(p.served());
                everything.add(p.stdout());
                everything.add(p.stderr());
                for (String secret : s.issuedSecrets()) {
                    assertThat(everything).as("output and answers of the sidecar")
                            .noneMatch(text -> text.contains(secret));
                }
            }
            s.close();
        }
    }

    // --- check: one attempt, JSON, exit code by state ---

    @Test
    void checkVerifiedPrintsTheCallerAndExitsZero() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE));
        SidecarProcess p = run(sim, EXPECT_ORDERS, "check");
        assertThat(p.exitCode()).isEqualTo(0);
        assertThat(p.stdout()).startsWith("{\"state\":\"VERIFIED\"")
                .contains("\"callerArn\":\"" + sim.podIdentityCallerArn() + "\"")
                .contains("\"credentialSource\":\"CONTAINER\"")
                .contains("\"remedy\":");
        assertThat(sim.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
    }

    @Test
    void checkPrintsUtf8WhateverTheLocale() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE));
        Map<String, String> env = new java.util.HashMap<>(EXPECT_ORDERS);
        env.putAll(Map.of("LANG", "C", "LC_ALL", "C"));
        SidecarProcess p = run(sim, env, "check");
        assertThat(p.exitCode()).isEqualTo(0);
        // the masked key id's ellipsis (U+2026), not the '?' of the C locale's ASCII; stdout is read as UTF-8
        assertThat(p.stdout()).containsPattern("\"accessKeyId\":\"[A-Z]{4}\u2026[A-Z0-9]{4}\"");
    }

    @Test
    void checkNodeRoleIsWrongIdentity11() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE)
                .associationConsistentAfter(Duration.ofHours(1)));
        SidecarProcess p = run(sim, EXPECT_ORDERS, "check");
        assertThat(p.exitCode()).isEqualTo(11);
        assertThat(p.stdout()).contains("\"state\":\"WRONG_IDENTITY\"", "\"wrongIdentity\":\"NODE_ROLE\"",
                "\"callerArn\":\"" + sim.nodeRoleCallerArn() + "\"");
    }

    @Test
    void checkWithoutCredentialsIsNoCredentials12() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE).imds(ImdsMode.ABSENT)
                .associationConsistentAfter(Duration.ofHours(1)));
        SidecarProcess p = run(sim, Map.of("ROLE_PROBE_ROLE_ARNS", ROLE, "AWS_EC2_METADATA_DISABLED", "true"), "check");
        assertThat(p.exitCode()).isEqualTo(12);
        assertThat(p.stdout()).contains("\"state\":\"NO_CREDENTIALS\"", "answered 403");
    }

    @Test
    void checkWithoutInjectionIsNotInjected13() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().inKubernetes(true));
        SidecarProcess p = run(sim, EXPECT_ORDERS, "check");
        assertThat(p.exitCode()).isEqualTo(13);
        assertThat(p.stdout()).contains("\"state\":\"NOT_INJECTED\"", "\"injection\":\"NONE\"");
    }

    @Test
    void checkWithStsDownIsStsUnavailable14() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE)
                .stsFailFirst(1, StsFailure.SERVICE_UNAVAILABLE_503));
        SidecarProcess p = run(sim, EXPECT_ORDERS, "check");
        assertThat(p.exitCode()).isEqualTo(14);
        assertThat(p.stdout()).contains("\"state\":\"STS_UNAVAILABLE\"");
    }

    @Test
    void checkWithoutAnExpectedRoleInKubernetesIsMisconfigured15() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE));
        SidecarProcess p = run(sim, Map.of(), "check");
        assertThat(p.exitCode()).isEqualTo(15);
        assertThat(p.stdout()).contains("\"state\":\"MISCONFIGURED\"", "role-probe.role-arns");
    }

    @Test
    void checkWhoseAttemptOutlastsTheTimeoutIsPending10AndExitsWithoutWaitingForIt() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE).stsLatency(Duration.ofHours(1)));
        SidecarProcess p = run(sim, EXPECT_ORDERS, "check", "--timeout", "1s", "--sts-timeout", "30s");
        assertThat(p.exitCode()).isEqualTo(10);
        assertThat(p.stdout()).contains("\"state\":\"PENDING\"");
        assertExitedWithTheAttemptStillRunning(sim, p);
    }

    /**
     * The command exited while its attempt was still running (its STS request, if sent, unanswered: STS holds it for
     * an hour), without closing the verifier first, which waits 5 s for the running attempt and then logs that its
     * thread did not stop (within 5 s the attempt has sent its request, which STS holds).
     */
    private static void assertExitedWithTheAttemptStillRunning(EksPodSimulator sim, SidecarProcess p) {
        // at most its one request: on a loaded machine the attempt may still be building the STS client at the timeout
        assertThat(sim.counters().stsGetCallerIdentityCalls()).as("the attempt's request, held by STS")
                .isLessThanOrEqualTo(1);
        assertThat(p.stderr()).doesNotContain("did not stop");
    }

    // --- wait ---

    @Test
    void waitExitsZeroOnceTheAssociationIsConsistent() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE).imds(ImdsMode.ABSENT)
                .associationConsistentAfter(Duration.ofSeconds(2)));
        SidecarProcess p = run(sim, Map.of("ROLE_PROBE_ROLE_ARNS", ROLE, "AWS_EC2_METADATA_DISABLED", "true"),
                "wait", "--timeout", "60s");
        assertThat(p.exitCode()).isEqualTo(0);
        assertThat(p.stdout()).contains("role-probe wait: VERIFIED as " + sim.podIdentityCallerArn());
        assertThat(p.stderr()).as("the wait went through NO_CREDENTIALS first").contains("NO_CREDENTIALS");
        assertThat(sim.counters().agentRequests()).isGreaterThan(1);
    }

    @Test
    void waitTimesOutWithTheStatesCodeReasonAndRemedy() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().inKubernetes(true));
        SidecarProcess p = run(sim, EXPECT_ORDERS, "wait", "--timeout", "2s");
        assertThat(p.exitCode()).isEqualTo(13);
        assertThat(p.stdout()).contains("role-probe wait: not verified within 2000 ms, NOT_INJECTED: ")
                .contains("Remedy: ");
    }

    @Test
    void sigtermDuringWaitStopsAtOnceAndSaysWhereItWas() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE).imds(ImdsMode.ABSENT)
                .associationConsistentAfter(Duration.ofHours(1)));
        SidecarProcess p = run(sim, Map.of("ROLE_PROBE_ROLE_ARNS", ROLE, "AWS_EC2_METADATA_DISABLED", "true"),
                "wait", "--timeout", "10m");
        p.awaitOutput(o -> o.contains("NO_CREDENTIALS"), "the first attempt's log line");
        p.sigterm();
        assertThat(p.exitCode()).as("128 + SIGTERM").isEqualTo(143);
        assertThat(p.stdout()).contains("role-probe wait: stopped before verification, NO_CREDENTIALS: ");
    }

    // --- wait: at the timeout, the code of the state reached, with that state's reason and remedy (ExitCodes) ---
    // (5 s: the first attempt, the SDK's class loading included, must have finished on a loaded 2-CPU machine)

    @Test
    void waitWhoseFirstAttemptOutlastsTheTimeoutIsPending10AndExitsWithoutWaitingForIt() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE).stsLatency(Duration.ofHours(1)));
        SidecarProcess p = run(sim, EXPECT_ORDERS, "wait", "--timeout", "1s", "--sts-timeout", "30s");
        assertThat(p.exitCode()).isEqualTo(10);
        WaitOutcome o = WaitOutcome.of(p, 1000, "PENDING");
        assertThat(o.reason()).isEqualTo("No verification attempt has finished yet.");
        assertThat(o.remedy()).isEqualTo("Wait: the first verification attempt is running.");
        assertExitedWithTheAttemptStillRunning(sim, p);
    }

    @Test
    void waitStuckOnTheNodeRoleIsWrongIdentity11() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE)
                .associationConsistentAfter(Duration.ofHours(1)));
        SidecarProcess p = run(sim, EXPECT_ORDERS, "wait", "--timeout", "5s");
        assertThat(p.exitCode()).isEqualTo(11);
        WaitOutcome o = WaitOutcome.of(p, 5000, "WRONG_IDENTITY/NODE_ROLE");
        assertThat(o.reason()).contains(sim.nodeRoleCallerArn());
        assertThat(o.remedy()).contains("fell through to IMDS", "AWS_EC2_METADATA_DISABLED=true");
        o.assertLoggedByTheVerifier(p);
    }

    @Test
    void waitForAnAssociationThatDoesNotExistYetIsNoCredentials12() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE).imds(ImdsMode.ABSENT)
                .associationConsistentAfter(Duration.ofHours(1)));
        SidecarProcess p = run(sim, EXPECT_ORDERS_NO_IMDS, "wait", "--timeout", "5s");
        assertThat(p.exitCode()).isEqualTo(12);
        WaitOutcome o = WaitOutcome.of(p, 5000, "NO_CREDENTIALS");
        assertThat(o.reason()).contains("EKS Pod Identity", "answered 403");
        assertThat(o.remedy()).contains("association");
        o.assertLoggedByTheVerifier(p);
    }

    @Test
    void waitWithStsDownIsStsUnavailable14() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE)
                .stsFailFirst(1_000, StsFailure.SERVICE_UNAVAILABLE_503));
        SidecarProcess p = run(sim, EXPECT_ORDERS, "wait", "--timeout", "5s");
        assertThat(p.exitCode()).isEqualTo(14);
        WaitOutcome o = WaitOutcome.of(p, 5000, "STS_UNAVAILABLE");
        assertThat(o.reason()).contains("STS answered 503 ServiceUnavailable");
        assertThat(o.remedy()).isEqualTo("Check network access to the regional STS endpoint; role-probe retries with"
                + " backoff.");
        o.assertLoggedByTheVerifier(p);
    }

    @Test
    void waitWithoutAnExpectedRoleInKubernetesIsMisconfigured15() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE));
        SidecarProcess p = run(sim, Map.of(), "wait", "--timeout", "2s");
        assertThat(p.exitCode()).isEqualTo(15);
        WaitOutcome o = WaitOutcome.of(p, 2000, "MISCONFIGURED");
        assertThat(o.reason()).contains("role-probe.role-arns");
        assertThat(o.remedy()).isEqualTo("Set role-probe.role-arns=arn:aws:iam::111122223333:role/orders (the"
                + " environment variable ROLE_PROBE_ROLE_ARNS; or use IRSA, whose AWS_ROLE_ARN is then expected).");
        o.assertLoggedByTheVerifier(p);
        assertThat(sim.counters().stsGetCallerIdentityCalls()).as("nothing to verify against").isZero();
    }

    @Test
    void aBadEnvironmentValueExitsTwoFromThePackagedJar() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE));
        SidecarProcess p = run(sim, Map.of("ROLE_PROBE_ROLE_ARNS", ROLE, "ROLE_PROBE_LIVENESS_GRACE", "soon"),
                "wait", "--timeout", "2s");
        assertThat(p.exitCode()).isEqualTo(2);
        assertThat(p.stderr()).startsWith("role-probe: Invalid value for 'role-probe.liveness-grace': 'soon'.")
                .contains("Set by the environment variable ROLE_PROBE_LIVENESS_GRACE.")
                .contains("Example: role-probe.liveness-grace=60s");
        assertThat(p.stdout()).isEmpty();
        assertThat(sim.counters().stsGetCallerIdentityCalls()).isZero();
    }

    /**
     * What {@code wait} printed at its timeout: {@code role-probe wait: not verified within N ms, STATE[/KIND]:
     * REASON} and {@code Remedy: REMEDY}.
     */
    private record WaitOutcome(String state, String reason, String remedy) {

        static WaitOutcome of(SidecarProcess p, long timeoutMillis, String state) {
            String head = "role-probe wait: not verified within " + timeoutMillis + " ms, " + state + ": ";
            Matcher m = Pattern.compile(Pattern.quote(head) + "(.*)\\R" + "Remedy: (.*)\\R").matcher(p.stdout());
            assertThat(m.find()).as("wait's outcome for %s in %s", state, p.stdout()).isTrue();
            return new WaitOutcome(state, m.group(1), m.group(2));
        }

        /** The reason and remedy are the verifier's for that state, as it logged it once reached. */
        void assertLoggedByTheVerifier(SidecarProcess p) {
            assertThat(p.stderr()).contains("AWS identity " + state + ": " + reason)
                    .contains("Remedy: " + remedy);
        }
    }

    // --- serve ---

    @Test
    void serveHoldsStartupAndReadinessUntilVerifiedAndStopsOnSigterm() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE).imds(ImdsMode.ABSENT)
                .associationConsistentAfter(Duration.ofHours(1)));
        SidecarProcess p = run(sim, Map.of("ROLE_PROBE_ROLE_ARNS", ROLE, "AWS_EC2_METADATA_DISABLED", "true"),
                "serve", "--port", "0", "--address", "127.0.0.1");
        HttpResponse<String> waiting = p.awaitStatus("/details", 200);
        p.awaitOutput(o -> o.contains("NO_CREDENTIALS"), "the first attempt's log line");
        assertThat(p.get("/startupz").statusCode()).isEqualTo(503);
        HttpResponse<String> notReady = p.get("/readyz");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).startsWith("{\"status\":\"DOWN\",\"state\":\"NO_CREDENTIALS\"").contains("\"remedy\":");
        assertThat(notReady.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(p.get("/livez").statusCode()).as("waiting is no reason to restart").isEqualTo(200);
        assertThat(waiting.body()).doesNotStartWith("{\"status\"");

        sim.makeAssociationConsistent();
        HttpResponse<String> ready = p.awaitStatus("/readyz", 200);
        assertThat(ready.body()).startsWith("{\"status\":\"UP\",\"state\":\"VERIFIED\"")
                .contains("\"callerArn\":\"" + sim.podIdentityCallerArn() + "\"");
        assertThat(p.get("/startupz").statusCode()).isEqualTo(200);
        assertThat(p.get("/livez").statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = p.get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("role_probe_state{role=\"orders\",state=\"verified\"} 1.0")
                .contains("role_probe_time_to_verified_seconds_count{role=\"orders\"} 1")
                .contains("role_probe_sts_calls_total{");
        assertThat(p.get("/nothing-here").statusCode()).isEqualTo(404);

        p.sigterm();
        assertThat(p.exitCode()).isEqualTo(143);
        assertThat(p.stderr()).contains("role-probe: stopped");
    }

    @Test
    void aClientThatSendsPartOfARequestHoldsNoOtherAnswerAndIsCutOff() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE).imds(ImdsMode.ABSENT));
        SidecarProcess p = run(sim, EXPECT_ORDERS_NO_IMDS, "serve", "--port", "0", "--address", "127.0.0.1");
        p.awaitStatus("/readyz", 200);
        List<java.net.Socket> partial = new ArrayList<>();
        try {
            // a scanner or a client that died mid-request: a request line and a header, never the blank line
            for (int i = 0; i < ProbeServer.MAX_EXCHANGES - 1; i++) {
                java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), p.port());
                s.getOutputStream().write("GET /readyz HTTP/1.1\r\nHost: x\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                partial.add(s);
            }
            // the JDK server reads requests on one dispatcher thread unless given an executor: then this timed out
            for (String path : List.of("/startupz", "/readyz", "/livez", "/details", "/metrics")) {
                assertThat(p.get(path).statusCode()).as(path + " while partial requests are open").isEqualTo(200);
            }
            // and the partial requests are closed by the server (sun.net.httpserver.maxReqTime), freeing their threads
            for (java.net.Socket s : partial) {
                s.setSoTimeout((int) SidecarProcess.BOUND.toMillis());
                int read;
                try {
                    read = s.getInputStream().read();
                } catch (java.net.SocketException reset) {
                    read = -1;
                }
                assertThat(read).as("the server closed the partial request's connection").isEqualTo(-1);
            }
        } finally {
            for (java.net.Socket s : partial) {
                s.close();
            }
        }
        assertThat(p.get("/readyz").statusCode()).isEqualTo(200);
    }

    @Test
    void serveNotInjectedHoldsStartupAndReadinessAndKeepsLivenessUp() throws Exception {
        // In Kubernetes, no Pod Identity or IRSA env; the SDK chain falls through to IMDS: the node role.
        EksPodSimulator sim = sim(EksPodSimulator.builder().inKubernetes(true));
        SidecarProcess p = run(sim, EXPECT_ORDERS, "serve", "--port", "0", "--address", "127.0.0.1",
                "--liveness-grace", "0s");
        HttpResponse<String> details = p.awaitAnswer("/details", r -> r.body().contains("\"state\":\"NOT_INJECTED\""),
                "NOT_INJECTED");
        assertThat(details.statusCode()).isEqualTo(200);
        assertThat(details.body()).startsWith("{\"state\":\"NOT_INJECTED\",\"reason\":\"Running in Kubernetes, but"
                        + " neither EKS Pod Identity")
                .contains("\"remedy\":\"Recreate the pod (kubectl rollout restart or delete the pod)")
                .contains("\"injection\":\"NONE\"")
                .contains("\"callerArn\":\"" + sim.nodeRoleCallerArn() + "\"")
                .doesNotContain("livenessDeadline");
        HttpResponse<String> startup = p.get("/startupz");
        assertThat(startup.statusCode()).isEqualTo(503);
        assertThat(startup.body()).startsWith("{\"status\":\"DOWN\",\"state\":\"NOT_INJECTED\"");
        HttpResponse<String> readiness = p.get("/readyz");
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(readiness.body()).startsWith("{\"status\":\"DOWN\",\"state\":\"NOT_INJECTED\"")
                .contains("\"reason\":\"Running in Kubernetes", "\"remedy\":\"Recreate the pod");
        HttpResponse<String> liveness = p.get("/livez");
        assertThat(liveness.statusCode()).as("a container restart keeps the env admission gave: only a new pod heals,"
                + " even with a liveness grace of 0s").isEqualTo(200);
        assertThat(liveness.body()).startsWith("{\"status\":\"UP\",\"state\":\"NOT_INJECTED\"");
        assertThat(p.get("/metrics").body())
                .contains("role_probe_state{role=\"orders\",state=\"not_injected\"} 1.0")
                .contains("role_probe_state{role=\"orders\",state=\"verified\"} 0.0");
    }

    /**
     * Core's liveness rule (IdentityVerifier, README "Probe semantics"): a wrong identity takes liveness DOWN after
     * the grace only when it comes from an application's own long-lived credential provider. The sidecar verifies the
     * SDK default chain, built afresh for every attempt until verified, so a restart of its container could not do
     * better: /livez stays 200 even with a grace of 0s, with the wrong identity from the pod's own Pod Identity agent
     * (another role) or from IMDS (the node role, association not effective yet). Readiness and startup stay DOWN.
     */
    @ParameterizedTest
    @ValueSource(strings = {"OTHER", "NODE_ROLE"})
    void serveWithAWrongIdentityFromThePodsOwnChainKeepsLivenessUpPastTheGrace(String kind) throws Exception {
        EksPodSimulator sim = sim(kind.equals("OTHER")
                ? EksPodSimulator.builder().podIdentity(BILLING)
                : EksPodSimulator.builder().podIdentity(ROLE).associationConsistentAfter(Duration.ofHours(1)));
        String caller = kind.equals("OTHER") ? sim.podIdentityCallerArn() : sim.nodeRoleCallerArn();
        SidecarProcess p = run(sim, EXPECT_ORDERS, "serve", "--port", "0", "--address", "127.0.0.1",
                "--liveness-grace", "0s", "--backoff-max", "500ms");
        String wrong = "\"state\":\"WRONG_IDENTITY\",\"wrongIdentity\":\"" + kind + "\"";
        HttpResponse<String> first = p.awaitAnswer("/livez", r -> r.body().contains(wrong), "WRONG_IDENTITY/" + kind);
        assertThat(first.statusCode()).as("liveness at the first wrong identity").isEqualTo(200);
        assertThat(first.body()).contains("\"callerArn\":\"" + caller + "\"", "\"injection\":\"POD_IDENTITY\"")
                .doesNotContain("livenessDeadline");
        String since = field(first.body(), "stateSince");

        HttpResponse<String> later = p.awaitAnswer("/livez", r -> attempts(r.body()) >= attempts(first.body()) + 2,
                "two more attempts");
        assertThat(later.statusCode()).as("liveness after two more attempts in the same wrong identity, past the"
                + " grace of 0s").isEqualTo(200);
        assertThat(later.body()).startsWith("{\"status\":\"UP\"").contains(wrong).doesNotContain("livenessDeadline");
        assertThat(field(later.body(), "stateSince")).as("the same wrong identity all along").isEqualTo(since);
        assertThat(p.get("/readyz").statusCode()).isEqualTo(503);
        assertThat(p.get("/startupz").statusCode()).isEqualTo(503);
        assertThat(p.get("/metrics").body())
                .contains("role_probe_state{role=\"orders\",state=\"wrong_identity_" + kind.toLowerCase(Locale.ROOT)
                        + "\"} 1.0");
    }

    @Test
    void startupStaysUpOnceVerifiedWhileReadinessFollowsTheState() throws Exception {
        // Credentials that are stale at once for the SDK (it refreshes within a minute of the expiration): every
        // re-resolution asks the agent.
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE).imds(ImdsMode.ABSENT)
                .credentialsLifetime(Duration.ofSeconds(30)));
        SidecarProcess p = run(sim, EXPECT_ORDERS_NO_IMDS, "serve", "--port", "0", "--address", "127.0.0.1",
                "--refresh-interval", "1s");
        p.awaitStatus("/readyz", 200);
        assertThat(p.get("/startupz").statusCode()).isEqualTo(200);

        // The agent fails from now on: no credentials any more, for good.
        sim.setAgentOutage(AgentFailure.SERVER_ERROR_500);
        HttpResponse<String> startup = p.awaitAnswer("/startupz",
                r -> r.body().contains("\"state\":\"NO_CREDENTIALS\""), "NO_CREDENTIALS");
        assertThat(startup.statusCode()).as("from the first VERIFIED on").isEqualTo(200);
        assertThat(startup.body()).startsWith("{\"status\":\"UP\",\"state\":\"NO_CREDENTIALS\"");
        HttpResponse<String> notReady = p.get("/readyz");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).startsWith("{\"status\":\"DOWN\",\"state\":\"NO_CREDENTIALS\"")
                .contains("500");
        assertThat(p.get("/livez").statusCode()).isEqualTo(200);
    }

    @Test
    void serveThatCannotListenExitsOneNamingAddressAndPortWithoutAStackTrace() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String port = String.valueOf(taken.getLocalPort());
            SidecarProcess p = run(sim, EXPECT_ORDERS, "serve", "--port", port, "--address", "127.0.0.1");
            assertThat(p.exitCode()).isEqualTo(1);
            assertThat(p.stderr()).isEqualTo("role-probe: cannot listen on 127.0.0.1:" + port + ": Address already in"
                    + " use" + System.lineSeparator());
            assertThat(p.stdout()).doesNotContain(ServeCommand.LISTENING);
            assertThat(sim.counters().stsGetCallerIdentityCalls()).as("no attempt without a server").isZero();
            assertThat(sim.counters().agentRequests()).isZero();
        }
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":\"([^\"]*)\"").matcher(json);
        assertThat(m.find()).as("%s in %s", name, json).isTrue();
        return m.group(1);
    }

    private static long attempts(String json) {
        Matcher m = Pattern.compile("\"attempts\":(\\d+)").matcher(json);
        assertThat(m.find()).as("attempts in %s", json).isTrue();
        return Long.parseLong(m.group(1));
    }
}
