package io.github.roleprobe.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The observability files under test: the Grafana dashboard and the Prometheus rules and their unit tests. */
final class Files {

    static final Path DIR = Path.of(System.getProperty("roleprobe.observability.dir", ".")).toAbsolutePath();
    static final Path DASHBOARD = DIR.resolve("grafana/role-probe-dashboard.json");
    static final Path RULES = DIR.resolve("prometheus/role-probe-alerts.yml");
    static final Path RULE_TESTS = DIR.resolve("prometheus/role-probe-alerts.test.yml");

    private static final Pattern METRIC = Pattern.compile("\\brole_probe_[a-z_]+");

    private Files() {
    }

    static JsonNode dashboard() {
        return read(new ObjectMapper(), DASHBOARD);
    }

    static JsonNode rules() {
        return read(new YAMLMapper(), RULES);
    }

    static JsonNode ruleTests() {
        return read(new YAMLMapper(), RULE_TESTS);
    }

    private static JsonNode read(ObjectMapper mapper, Path file) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** @return every PromQL expression of the dashboard: panel targets and template variable queries */
    static List<String> dashboardExpressions() {
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard().path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                exprs.add(target.path("expr").asText());
            }
        }
        return exprs;
    }

    /** @return alert name to expression, in file order */
    static List<Rule> alertRules() {
        List<Rule> rules = new ArrayList<>();
        for (JsonNode group : rules().path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    rules.add(new Rule(rule.path("alert").asText(), rule.path("expr").asText(), rule));
                }
            }
        }
        return rules;
    }

    /** @return the metric names (Prometheus exposition names) that appear in {@code text} */
    static Set<String> metricNames(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /** @return the metric names the dashboard and the rules use, parsed from the files */
    static Set<String> referencedMetricNames() {
        Set<String> names = new TreeSet<>();
        dashboardExpressions().forEach(e -> names.addAll(metricNames(e)));
        JsonNode templating = dashboard().path("templating").path("list");
        templating.forEach(v -> names.addAll(metricNames(v.path("definition").asText())));
        alertRules().forEach(r -> names.addAll(metricNames(r.expr())));
        return names;
    }

    /** Grafana's variables replaced by values a plain Prometheus query accepts. */
    static String withGrafanaVariables(String expr) {
        return expr.replace("$application", ".*")
                .replace("$__rate_interval", "1m")
                .replace("$__range", "10m")
                .replace("$__interval", "15s");
    }

    /** An alerting rule. */
    record Rule(String alert, String expr, JsonNode node) {
    }
}
