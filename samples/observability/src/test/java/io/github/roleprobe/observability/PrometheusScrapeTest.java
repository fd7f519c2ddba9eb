package io.github.roleprobe.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.roleprobe.testkit.EksPodSimulator;
import io.github.roleprobe.testkit.ImdsMode;
import io.github.roleprobe.testkit.StsFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's {@code prometheus}, on loopback with its own configuration and storage) scrapes
 * {@code /prometheus} of two running Micronaut sample apps (the sample's runnable jar), each in its own simulated EKS
 * pod:
 *
 * <ul>
 *   <li>{@code orders}: EKS Pod Identity whose association is not effective yet, so the SDK chain falls through to
 *       IMDS and gets the node role; then the association becomes effective, STS throttles twice, and the pod
 *       verifies.</li>
 *   <li>{@code payments}: a pod created without Pod Identity or IRSA environment ({@code NOT_INJECTED}).</li>
 * </ul>
 *
 * and {@code /actuator/prometheus} of the Spring Boot sample's jar in a third pod, {@code shipping}, with EKS Pod
 * Identity from the start (it verifies at once), so that both frameworks are checked to publish every metric name.
 *
 * <p>The test then queries Prometheus' HTTP API: every metric that the dashboard and the alert rules use exists, with
 * the values the scenario implies; the alert expressions select the right services, during and after the node
 * role; and every dashboard query runs and returns data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusScrapeTest {

    private static final String ORDERS_ROLE = "arn:aws:iam::111122223333:role/orders";
    private static final String PAYMENTS_ROLE = "arn:aws:iam::111122223333:role/payments";
    private static final String SHIPPING_ROLE = "arn:aws:iam::111122223333:role/shipping";
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** The address Prometheus' web listener got, e.g. {@code msg="Listening on" address=127.0.0.1:41231}. */
    private static final Pattern PROMETHEUS_LISTENING =
            Pattern.compile("msg=\"Listening on\".*?\\baddress=127\\.0\\.0\\.1:(\\d+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final List<Process> processes = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private Path work;

    private EksPodSimulator ordersPod;
    private EksPodSimulator paymentsPod;
    private EksPodSimulator shippingPod;
    private App orders;
    private App payments;
    /** The Spring Boot sample. */
    private App shipping;
    private URI prometheus;
    /** While orders was on the node role, as scraped. */
    private Instant duringNodeRole;
    /** After orders verified and Prometheus scraped it. */
    private Instant afterVerified;
    private Instant firstAnswerOfOrders;
    private Instant consistentAt;
    private Instant verifiedSeenAt;

    /**
     * A running sample; {@code healthPrefix} is {@code /health} (Micronaut) or {@code /actuator/health} (Spring Boot).
     * It binds port 0 and writes the port it got to {@code portFile} once it listens (its {@code sample.port-file}).
     */
    record App(String name, Path portFile, Process process, Path log, String healthPrefix) {
        /** @return the port the app listens on, 0 while it has not written it yet */
        int portIfListening() {
            try {
                String text = java.nio.file.Files.readString(portFile).strip();
                return text.matches("[1-9][0-9]{0,4}") ? Integer.parseInt(text) : 0; // Spring Boot: created, then written
            } catch (NoSuchFileException e) {
                return 0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int port() {
            int port = portIfListening();
            if (port == 0) {
                throw new IllegalStateException(name + " does not listen yet: no port in " + portFile);
            }
            return port;
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port() + path);
        }
    }

    @BeforeAll
    void runTheScenario(@TempDir Path tempDir) throws Exception {
        work = tempDir;
        Path prometheusBinary = Tools.require("prometheus");
        Path jar = Path.of(System.getProperty("roleprobe.sample.jar", "missing"));
        if (!java.nio.file.Files.isRegularFile(jar)) {
            fail("The sample's runnable jar " + jar + " is missing: build it first with"
                    + " ./mvnw -DskipTests install -pl samples/micronaut-app -am (./mvnw verify builds it before this module)");
        }

        Path springJar = Path.of(System.getProperty("roleprobe.spring.sample.jar", "missing"));
        if (!java.nio.file.Files.isRegularFile(springJar)) {
            fail("The Spring Boot sample's jar " + springJar + " is missing: build it first with"
                    + " ./mvnw -DskipTests install -pl samples/spring-boot-app -am (./mvnw verify builds it before this module)");
        }

        ordersPod = EksPodSimulator.builder().podIdentity(ORDERS_ROLE)
                .associationConsistentAfter(Duration.ofHours(1))
                .imds(ImdsMode.NODE_ROLE)
                .start();
        closeables.add(ordersPod);
        paymentsPod = EksPodSimulator.builder().inKubernetes(true).imds(ImdsMode.NODE_ROLE).start();
        closeables.add(paymentsPod);
        shippingPod = EksPodSimulator.builder().podIdentity(SHIPPING_ROLE).imds(ImdsMode.NODE_ROLE).start();
        closeables.add(shippingPod);

        orders = startApp("orders", ORDERS_ROLE, ordersPod, jar);
        payments = startApp("payments", PAYMENTS_ROLE, paymentsPod, jar);
        shipping = startSpringApp("shipping", SHIPPING_ROLE, shippingPod, springJar);
        firstAnswerOfOrders = awaitUp(orders);
        awaitUp(payments);
        awaitUp(shipping);

        prometheus = startPrometheus(prometheusBinary);

        awaitQuery("role_probe_state{application=\"shipping\",state=\"verified\"} == 1", r -> !r.isEmpty());
        // orders on the node role, as Prometheus sees it.
        awaitQuery("role_probe_state{application=\"orders\",state=\"wrong_identity_node_role\"} == 1", r -> !r.isEmpty());
        awaitQuery("role_probe_state{application=\"payments\",state=\"not_injected\"} == 1", r -> !r.isEmpty());
        duringNodeRole = Instant.now();
        Thread.sleep(1500); // a few more scrapes in this state

        // The association becomes effective; STS throttles the first two calls with the pod's own credentials.
        ordersPod.stsFailNext(2, StsFailure.THROTTLING);
        consistentAt = Instant.now();
        ordersPod.makeAssociationConsistent();
        awaitHttp(orders.uri(orders.healthPrefix() + "/readiness"), 200);
        verifiedSeenAt = Instant.now();
        awaitQuery("role_probe_state{application=\"orders\",state=\"verified\"} == 1", r -> !r.isEmpty());
        awaitQuery("role_probe_sts_calls_total{application=\"orders\",result=\"success\"} == 2", r -> !r.isEmpty());
        Thread.sleep(2500); // a few more scrapes in this state, for rate()
        afterVerified = Instant.now();
    }

    @AfterAll
    void stopEverything() throws Exception {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    // ---- the checks ------------------------------------------------------------------------------------------

    @Test
    void everyMetricOfTheDashboardAndTheRulesIsScraped() throws Exception {
        Set<String> referenced = Files.referencedMetricNames();
        assertThat(referenced).contains("role_probe_state", "role_probe_sts_calls_total",
                "role_probe_node_role_detections_total", "role_probe_time_to_verified_seconds_bucket",
                "role_probe_attempts_seconds_count");
        JsonNode names = get("/api/v1/label/__name__/values");
        Set<String> scraped = new TreeSet<>();
        names.path("data").forEach(n -> scraped.add(n.asText()));
        assertThat(scraped).containsAll(referenced);
        for (String name : referenced) {
            assertThat(applications(query(name, afterVerified))).as(name + " from every pod")
                    .containsExactlyInAnyOrder("orders", "payments", "shipping");
        }
    }

    @Test
    void bothTargetsAreUpAndTheRulesLoaded() throws Exception {
        JsonNode targets = get("/api/v1/targets").path("data").path("activeTargets");
        assertThat(targets).hasSize(3).allSatisfy(t -> assertThat(t.path("health").asText()).isEqualTo("up"));
        List<String> loaded = new ArrayList<>();
        get("/api/v1/rules").path("data").path("groups").forEach(g -> g.path("rules").forEach(r -> {
            loaded.add(r.path("name").asText());
            assertThat(r.path("health").asText()).as(r.path("name").asText()).isIn("ok", "unknown");
        }));
        assertThat(loaded).containsExactlyInAnyOrderElementsOf(Files.alertRules().stream().map(Files.Rule::alert).toList());
    }

    @Test
    void ordersShowsTheNodeRoleThenVerifiedWithTheSimulatorsStsCalls() throws Exception {
        assertThat(byLabel(query("role_probe_state{application=\"orders\"}", duringNodeRole), "state"))
                .containsEntry("wrong_identity_node_role", 1.0).containsEntry("verified", 0.0)
                .hasSize(8).values().filteredOn(v -> v == 1.0).hasSize(1);
        assertThat(byLabel(query("role_probe_state{application=\"orders\"}", afterVerified), "state"))
                .containsEntry("verified", 1.0).containsEntry("wrong_identity_node_role", 0.0)
                .hasSize(8).values().filteredOn(v -> v == 1.0).hasSize(1);
        assertThat(single(query("role_probe_node_role_detections_total{application=\"orders\"}", afterVerified)))
                .isEqualTo(1.0);

        Map<String, Double> sts = byLabel(query("role_probe_sts_calls_total{application=\"orders\"}", afterVerified), "result");
        assertThat(sts).containsExactlyInAnyOrderEntriesOf(Map.of(
                "success", 2.0, "throttled", 2.0, "unavailable", 0.0, "rejected", 0.0, "misconfigured", 0.0));
        assertThat(single(query("sum(role_probe_sts_calls_total{application=\"orders\"})", afterVerified)))
                .isEqualTo((double) ordersPod.counters().stsGetCallerIdentityCalls());

        Map<String, Double> attempts = byLabel(query(
                "sum by (outcome) (role_probe_attempts_seconds_count{application=\"orders\"})", afterVerified), "outcome");
        assertThat(attempts).containsEntry("verified", 1.0).containsEntry("sts_unavailable", 2.0)
                .containsKey("wrong_identity_node_role");
        JsonNode readiness = get(orders.uri(orders.healthPrefix() + "/readiness"));
        long appAttempts = findLong(readiness, "attempts");
        assertThat(attempts.values().stream().mapToDouble(Double::doubleValue).sum())
                .as("the app's own attempt count").isEqualTo((double) appAttempts);

        assertThat(single(query("role_probe_time_to_verified_seconds_count{application=\"orders\"}", afterVerified)))
                .isEqualTo(1.0);
        double seconds = single(query("role_probe_time_to_verified_seconds_sum{application=\"orders\"}", afterVerified));
        assertThat(seconds).as("at least the wait for the association, at most the app's life until verified")
                .isGreaterThanOrEqualTo(Duration.between(firstAnswerOfOrders, consistentAt).toMillis() / 1000.0)
                .isLessThanOrEqualTo(Duration.between(startedAt.get("orders"), verifiedSeenAt).toMillis() / 1000.0);
        Map<String, Double> buckets = byLabel(query(
                "role_probe_time_to_verified_seconds_bucket{application=\"orders\"}", afterVerified), "le");
        assertThat(buckets).containsEntry("+Inf", 1.0);
        buckets.forEach((le, count) -> assertThat(count).as("bucket le=" + le)
                .isEqualTo(le.equals("+Inf") || Double.parseDouble(le) >= seconds ? 1.0 : 0.0));
    }

    @Test
    void paymentsIsNotInjectedAndAsksStsOnceAboutTheNodeRole() throws Exception {
        assertThat(byLabel(query("role_probe_state{application=\"payments\"}", afterVerified), "state"))
                .containsEntry("not_injected", 1.0).hasSize(8).values().filteredOn(v -> v == 1.0).hasSize(1);
        // The chain fell through to IMDS: STS is asked once whether that key is an expected role, then cached.
        assertThat(single(query("sum(role_probe_sts_calls_total{application=\"payments\"})", afterVerified))).isEqualTo(1.0);
        assertThat(single(query("role_probe_node_role_detections_total{application=\"payments\"}", afterVerified))).isZero();
        assertThat(single(query("role_probe_time_to_verified_seconds_count{application=\"payments\"}", afterVerified))).isZero();
        assertThat(byLabel(query("role_probe_attempts_seconds_count{application=\"payments\"}", afterVerified), "source"))
                .containsOnlyKeys("instance_profile");
        assertThat(paymentsPod.counters().stsGetCallerIdentityCalls()).isEqualTo(1);
        assertThat(single(query("role_probe_state{application=\"payments\",state=\"not_injected\"}", afterVerified)))
                .isEqualTo(1.0);
        assertThat(byLabel(query("role_probe_state", afterVerified), "role")).containsKeys("orders", "payments");
    }

    @Test
    void springBootSampleShowsTheSameMetricsVerified() throws Exception {
        assertThat(byLabel(query("role_probe_state{application=\"shipping\"}", afterVerified), "state"))
                .containsEntry("verified", 1.0).hasSize(8).values().filteredOn(v -> v == 1.0).hasSize(1);
        assertThat(byLabel(query("role_probe_state{application=\"shipping\"}", afterVerified), "role"))
                .containsOnlyKeys("shipping");
        Map<String, Double> sts = byLabel(query("role_probe_sts_calls_total{application=\"shipping\"}", afterVerified), "result");
        assertThat(sts).containsExactlyInAnyOrderEntriesOf(Map.of(
                "success", 1.0, "throttled", 0.0, "unavailable", 0.0, "rejected", 0.0, "misconfigured", 0.0));
        assertThat(single(query("sum(role_probe_sts_calls_total{application=\"shipping\"})", afterVerified)))
                .isEqualTo((double) shippingPod.counters().stsGetCallerIdentityCalls());
        assertThat(single(query("role_probe_node_role_detections_total{application=\"shipping\"}", afterVerified))).isZero();
        assertThat(single(query("role_probe_time_to_verified_seconds_count{application=\"shipping\"}", afterVerified)))
                .isEqualTo(1.0);
        assertThat(byLabel(query("role_probe_attempts_seconds_count{application=\"shipping\"}", afterVerified), "outcome"))
                .containsEntry("verified", 1.0);
        assertThat(byLabel(query("role_probe_attempts_seconds_count{application=\"shipping\"}", afterVerified), "source"))
                .containsKey("container");
    }

    @Test
    void alertExpressionsSelectTheRightServices() throws Exception {
        Map<String, Set<String>> during = new HashMap<>();
        Map<String, Set<String>> after = new HashMap<>();
        for (Files.Rule rule : Files.alertRules()) {
            during.put(rule.alert(), applications(query(rule.expr(), duringNodeRole)));
            after.put(rule.alert(), applications(query(rule.expr(), afterVerified)));
        }
        assertThat(during).isEqualTo(Map.of(
                "RoleProbePodNotVerified", Set.of("orders"),
                "RoleProbeNodeRoleDetected", Set.of("orders"),
                "RoleProbeNotInjected", Set.of("payments"),
                "RoleProbeStsErrorRate", Set.of()));
        assertThat(after).isEqualTo(Map.of(
                "RoleProbePodNotVerified", Set.of(),
                "RoleProbeNodeRoleDetected", Set.of("orders"),
                "RoleProbeNotInjected", Set.of("payments"),
                "RoleProbeStsErrorRate", Set.of("orders")));
    }

    @Test
    void everyDashboardQueryRunsAndReturnsData() throws Exception {
        List<String> exprs = Files.dashboardExpressions();
        assertThat(exprs).hasSizeGreaterThanOrEqualTo(10);
        for (String expr : exprs) {
            JsonNode result = query(Files.withGrafanaVariables(expr), afterVerified);
            assertThat(result).as(expr).isNotEmpty();
        }
        assertThat(applications(query(Files.withGrafanaVariables(
                "sum by (application) (role_probe_state{application=~\"$application\",state!=\"verified\"}) > 0"),
                afterVerified))).containsExactly("payments");
        JsonNode variable = get("/api/v1/label/application/values?match[]=role_probe_state");
        assertThat(variable.path("data")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("orders", "payments", "shipping");
    }

    // ---- processes -------------------------------------------------------------------------------------------

    /** Starts the Micronaut sample's jar; Prometheus scrapes its {@code /prometheus}. */
    private App startApp(String name, String roleArn, EksPodSimulator pod, Path jar) throws IOException {
        return startJar(name, roleArn, pod, jar, "micronaut.server.host", "micronaut.server.port",
                "micronaut.application.name", "/health");
    }

    /** Starts the Spring Boot sample's jar; Prometheus scrapes its {@code /actuator/prometheus}. */
    private App startSpringApp(String name, String roleArn, EksPodSimulator pod, Path jar) throws IOException {
        return startJar(name, roleArn, pod, jar, "server.address", "server.port", "spring.application.name",
                "/actuator/health");
    }

    private App startJar(String name, String roleArn, EksPodSimulator pod, Path jar, String hostProperty,
            String portProperty, String nameProperty, String healthPath) throws IOException {
        Path log = work.resolve(name + ".log");
        Path portFile = work.resolve(name + ".port");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:TieredStopAtLevel=1",
                "-D" + hostProperty + "=127.0.0.1", "-D" + portProperty + "=0", "-Dsample.port-file=" + portFile,
                "-D" + nameProperty + "=" + name,
                "-Drole-probe.backoff.initial=50ms", "-Drole-probe.backoff.max=300ms",
                "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pod.applyEnvironment(pb.environment());
        pb.environment().put("ROLE_PROBE_ROLE_ARN", roleArn);
        Process p = pb.start();
        p.getOutputStream().close();
        processes.add(p);
        App app = new App(name, portFile, p, log, healthPath);
        startedAt.put(app.name(), Instant.now());
        return app;
    }

    private final Map<String, Instant> startedAt = new HashMap<>();

    /**
     * Prometheus listens on 127.0.0.1:0, so the kernel picks the port as it binds (a port picked here and bound later
     * could be taken in between, for example as the local port of another process's outgoing connection), and logs
     * the address it got at info level: {@code msg="Listening on" address=127.0.0.1:<port>} (the line of the
     * Prometheus exporter-toolkit's listener, as Debian 12's Prometheus 2.42 writes it). Prometheus writes no port file.
     */
    private URI startPrometheus(Path binary) throws Exception {
        Path config = work.resolve("prometheus.yml");
        java.nio.file.Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 900ms
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: role-probe-sample
                    metrics_path: /prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d', '127.0.0.1:%d']
                  - job_name: role-probe-sample-spring-boot
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(Files.RULES, orders.port(), payments.port(), shipping.port()));
        Path storage = java.nio.file.Files.createDirectories(work.resolve("tsdb"));
        Process p = new ProcessBuilder(binary.toString(),
                "--config.file=" + config, "--storage.tsdb.path=" + storage,
                "--web.listen-address=127.0.0.1:0", "--log.level=info")
                .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile())
                .start();
        p.getOutputStream().close();
        processes.add(p);
        URI base = null;
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                fail("prometheus exited: " + java.nio.file.Files.readString(work.resolve("prometheus.log")));
            }
            if (base == null) {
                Matcher listening = PROMETHEUS_LISTENING.matcher(java.nio.file.Files.readString(work.resolve("prometheus.log")));
                if (listening.find()) {
                    base = URI.create("http://127.0.0.1:" + listening.group(1));
                }
            }
            if (base != null && status(base.resolve("/-/ready")) == 200) {
                return base;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("prometheus not ready" + (base == null ? " (no 'Listening on' address in its log)" : "")
                + ": " + java.nio.file.Files.readString(work.resolve("prometheus.log")));
    }

    private Instant awaitUp(App app) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            if (!app.process().isAlive()) {
                fail(app.name() + " exited: " + java.nio.file.Files.readString(app.log()));
            }
            if (app.portIfListening() != 0 && status(app.uri(app.healthPrefix() + "/liveness")) == 200) {
                return Instant.now();
            }
            Thread.sleep(200);
        }
        throw new AssertionError(app.name() + " did not start: " + java.nio.file.Files.readString(app.log()));
    }

    private void awaitHttp(URI uri, int expected) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            if (status(uri) == expected) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(uri + " did not answer " + expected + " within " + WAIT + ": " + fetch(uri));
    }

    // ---- HTTP and Prometheus API -----------------------------------------------------------------------------

    private int status(URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private String fetch(URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    private JsonNode get(URI uri) throws IOException {
        return json.readTree(fetch(uri));
    }

    private JsonNode get(String apiPath) throws IOException {
        JsonNode answer = get(prometheus.resolve(apiPath));
        assertThat(answer.path("status").asText()).as(apiPath + ": " + answer).isEqualTo("success");
        return answer;
    }

    /** Runs an instant query at {@code time}; fails on a query error. */
    private JsonNode query(String promql, Instant time) throws IOException {
        String path = "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&time=" + time.toEpochMilli() / 1000.0;
        JsonNode answer = get(path);
        assertThat(answer.path("data").path("resultType").asText()).as(promql).isEqualTo("vector");
        return answer.path("data").path("result");
    }

    private JsonNode awaitQuery(String promql, Predicate<JsonNode> condition) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            last = query(promql, Instant.now());
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("'" + promql + "' not satisfied within " + WAIT + "; last result " + last
                + "; orders readiness: " + fetch(orders.uri(orders.healthPrefix() + "/readiness")));
    }

    private static Set<String> applications(JsonNode result) {
        Set<String> apps = new TreeSet<>();
        result.forEach(r -> apps.add(r.path("metric").path("application").asText()));
        return apps;
    }

    private static Map<String, Double> byLabel(JsonNode result, String label) {
        Map<String, Double> values = new HashMap<>();
        result.forEach(r -> values.merge(r.path("metric").path(label).asText(),
                Double.parseDouble(r.path("value").get(1).asText()), Double::sum));
        return values;
    }

    private static double single(JsonNode result) {
        assertThat(result).as(result.toString()).hasSize(1);
        return Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    private static long findLong(JsonNode node, String field) {
        JsonNode found = node.findValue(field);
        assertThat(found).as(field + " in " + node).isNotNull();
        return found.asLong();
    }
}
