package io.github.roleprobe.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar's three commands as child processes in a testkit simulated pod, through the real AWS SDK providers
 * (the SDK default chain of the child): each state's exit code and output, SIGTERM during wait and serve, and a
 * secret scan over everything the sidecar printed or served.
 */
class SidecarCommandsIT {

    static final String ROLE = "arn:aws:iam::111122223333:role/orders";
    static final Map<String, String> EXPECT_ORDERS = Map.of("ROLE_PROBE_ROLE_ARNS", ROLE);

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
    void checkWhoseAttemptOutlastsTheTimeoutIsPending10() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE).stsLatency(Duration.ofSeconds(20)));
        SidecarProcess p = run(sim, EXPECT_ORDERS, "check", "--timeout", "1s", "--sts-timeout", "30s");
        assertThat(p.exitCode()).isEqualTo(10);
        assertThat(p.stdout()).contains("\"state\":\"PENDING\"");
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
    void waitTimesOutOnTheNodeRoleWithWrongIdentity11() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE)
                .associationConsistentAfter(Duration.ofHours(1)));
        SidecarProcess p = run(sim, EXPECT_ORDERS, "wait", "--timeout", "3s");
        assertThat(p.exitCode()).isEqualTo(11);
        assertThat(p.stdout()).contains("role-probe wait: not verified within 3000 ms, WRONG_IDENTITY/NODE_ROLE: ")
                .contains("Remedy: ");
    }

    @Test
    void waitTimesOutWithoutCredentialsWithNoCredentials12() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE).imds(ImdsMode.ABSENT)
                .associationConsistentAfter(Duration.ofHours(1)));
        SidecarProcess p = run(sim, Map.of("ROLE_PROBE_ROLE_ARNS", ROLE, "AWS_EC2_METADATA_DISABLED", "true"),
                "wait", "--timeout", "3s");
        assertThat(p.exitCode()).isEqualTo(12);
        assertThat(p.stdout()).contains("role-probe wait: not verified within 3000 ms, NO_CREDENTIALS: ")
                .contains("Remedy: ");
    }

    @Test
    void serveNotInjectedHoldsStartupAndReadinessAndKeepsLivenessUp() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().inKubernetes(true));
        SidecarProcess p = run(sim, EXPECT_ORDERS, "serve", "--port", "0", "--address", "127.0.0.1");
        p.awaitStatus("/details", 200);
        p.awaitOutput(o -> o.contains("NOT_INJECTED"), "the first attempt's log line");
        HttpResponse<String> notReady = p.get("/readyz");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).startsWith("{\"status\":\"DOWN\",\"state\":\"NOT_INJECTED\"")
                .contains("\"reason\":").contains("\"remedy\":");
        assertThat(p.get("/startupz").statusCode()).isEqualTo(503);
        assertThat(p.get("/livez").statusCode()).as("a container restart keeps the admitted env").isEqualTo(200);
        assertThat(p.get("/metrics").body()).contains("role_probe_state{role=\"orders\",state=\"not_injected\"} 1.0");
    }

    @Test
    void serveThatCannotListenExitsOneNamingTheAddress() throws Exception {
        EksPodSimulator sim = sim(EksPodSimulator.builder().podIdentity(ROLE));
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            SidecarProcess p = run(sim, EXPECT_ORDERS, "serve", "--port", String.valueOf(taken.getLocalPort()),
                    "--address", "127.0.0.1");
            assertThat(p.exitCode()).isEqualTo(1);
            assertThat(p.stderr()).contains("role-probe: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ")
                    .doesNotContain("\tat ");
            assertThat(sim.counters().stsGetCallerIdentityCalls()).as("no attempt without a server").isZero();
        }
    }
}
