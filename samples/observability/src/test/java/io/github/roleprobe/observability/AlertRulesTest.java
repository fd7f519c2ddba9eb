package io.github.roleprobe.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code promtool check rules} and {@code promtool test rules} on the alerting rules, from the Maven test run. */
class AlertRulesTest {

    record Result(int exitCode, String output) {
    }

    private static Result promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Tools.require("promtool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(Files.RULES.getParent().toFile())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        System.out.println("$ promtool " + String.join(" ", args) + "\n" + out);
        return new Result(p.exitValue(), out);
    }

    @Test
    void promtoolCheckRulesPasses() throws Exception {
        Result r = promtool("check", "rules", Files.RULES.getFileName().toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: " + Files.alertRules().size() + " rules found");
    }

    @Test
    void promtoolTestRulesPasses() throws Exception {
        Result r = promtool("test", "rules", Files.RULE_TESTS.getFileName().toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertIsTestedFiringAndSilent() {
        List<String> alerts = Files.alertRules().stream().map(Files.Rule::alert).toList();
        assertThat(alerts).containsExactlyInAnyOrder("RoleProbePodNotVerified", "RoleProbeNodeRoleDetected",
                "RoleProbeNotInjected", "RoleProbeStsErrorRate");
        List<JsonNode> cases = new ArrayList<>();
        Files.ruleTests().path("tests").forEach(t -> t.path("alert_rule_test").forEach(cases::add));
        for (String alert : alerts) {
            List<JsonNode> mine = cases.stream().filter(c -> c.path("alertname").asText().equals(alert)).toList();
            assertThat(mine).as(alert + " fires in a test").anySatisfy(c -> assertThat(c.path("exp_alerts")).isNotEmpty());
            assertThat(mine).as(alert + " stays silent in a test").anySatisfy(c -> assertThat(c.path("exp_alerts")).isEmpty());
        }
    }

    @Test
    void everyAlertHasSummaryAndRemedyAndNotInjectedSaysToRecreateThePod() {
        for (Files.Rule rule : Files.alertRules()) {
            JsonNode annotations = rule.node().path("annotations");
            assertThat(annotations.path("summary").asText()).as(rule.alert()).isNotBlank();
            assertThat(annotations.path("remedy").asText()).as(rule.alert()).isNotBlank();
            assertThat(rule.node().path("labels").path("severity").asText()).as(rule.alert()).isNotBlank();
        }
        JsonNode notInjected = Files.alertRules().stream().filter(r -> r.alert().equals("RoleProbeNotInjected"))
                .findFirst().orElseThrow().node();
        assertThat(notInjected.path("annotations").path("remedy").asText())
                .contains("Recreate the pod", "kubectl rollout restart");
    }

    @Test
    void rulesAndDashboardUseOnlyRoleProbeMetricsWithBoundedLabels() {
        assertThat(Files.referencedMetricNames()).isNotEmpty().allSatisfy(n -> assertThat(n).startsWith("role_probe_"));
        String all = String.join("\n", Files.dashboardExpressions())
                + Files.alertRules().stream().map(Files.Rule::expr).reduce("", String::concat);
        // Grouping only by the documented tags (and Prometheus' own target labels in the rules).
        assertThat(all).doesNotContain("session", "access_key", "caller");
        assertThat(Path.of(Files.DASHBOARD.toString())).exists();
    }
}
