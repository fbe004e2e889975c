package io.interactionsync.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL the deployment runs: the alert rules, the Grafana dashboard's panels and variables, and KEDA's Prometheus
 * triggers, as rendered from the production overlay; and the metric names those expressions read.
 */
final class Monitoring {

    /** Series that come from Prometheus itself, not from a service: {@code up} (one per scraped target). */
    static final Set<String> FROM_PROMETHEUS = Set.of("up");

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan", "atan2");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$:])([a-zA-Z_:][\\w:]*+)(?!\\s*\\()");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][\\w:]*)\\s*[,)]");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Monitoring() {
    }

    /** The metric names {@code expr} reads (not functions, aggregations, keywords or label names). */
    static Set<String> metricNames(String expr) {
        String s = expr
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`", "\"\"") // string literals
                .replaceAll("\\{[^}]*}", " ") // label matchers
                .replaceAll("\\[[^]]*]", " ") // ranges and subqueries
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\boffset\\s+-?[\\w$]+", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            if (!KEYWORDS.contains(m.group(1).toLowerCase(java.util.Locale.ROOT))) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Every rendered PrometheusRule rule: alert name → its expression. */
    static Map<String, JsonNode> alertRules(String target) {
        Map<String, JsonNode> rules = new LinkedHashMap<>();
        for (JsonNode prometheusRule : Kustomize.objects(target, "PrometheusRule")) {
            prometheusRule.at("/spec/groups").forEach(g -> g.get("rules").forEach(r -> rules.put(r.get("alert").asText(), r)));
        }
        return rules;
    }

    /** The rendered Grafana dashboard (the ConfigMap Grafana's sidecar loads). */
    static JsonNode dashboard(String target) {
        JsonNode configMap = Kustomize.objects(target, "ConfigMap").stream()
                .filter(c -> c.at("/metadata/labels/grafana_dashboard").asText().equals("1")).findFirst()
                .orElseThrow(() -> new AssertionError(target + ": no ConfigMap labelled grafana_dashboard=1"));
        try {
            return JSON.readTree(configMap.get("data").elements().next().asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every PromQL expression the deployment evaluates, each labelled with where it is. */
    static Map<String, String> expressions(String target) {
        Map<String, String> exprs = new LinkedHashMap<>();
        alertRules(target).forEach((alert, rule) -> exprs.put("alert " + alert, rule.get("expr").asText()));
        JsonNode dashboard = dashboard(target);
        List<JsonNode> panels = new ArrayList<>();
        dashboard.get("panels").forEach(p -> {
            panels.add(p);
            p.path("panels").forEach(panels::add);
        });
        for (JsonNode panel : panels) {
            panel.path("targets").forEach(t -> exprs.put("panel " + panel.get("title").asText() + " " + t.get("refId").asText(),
                    t.get("expr").asText()));
        }
        for (JsonNode variable : dashboard.at("/templating/list")) {
            String query = variable.path("query").isObject() ? variable.at("/query/query").asText() : variable.path("query").asText();
            Matcher m = LABEL_VALUES.matcher(query);
            if (variable.path("type").asText().equals("query") && m.find()) {
                exprs.put("variable " + variable.get("name").asText(), m.group(1));
            }
        }
        for (JsonNode so : Kustomize.objects(target, "ScaledObject")) {
            so.at("/spec/triggers").forEach(t -> {
                if (t.get("type").asText().equals("prometheus")) {
                    exprs.put("ScaledObject " + so.at("/metadata/name").asText(), t.at("/metadata/query").asText());
                }
            });
        }
        return exprs;
    }

    /** The metric names the deployment's PromQL reads that a service must export (Prometheus's own left out). */
    static Set<String> metricsTheServicesMustExport() {
        Set<String> names = new TreeSet<>();
        expressions("overlays/production").values().forEach(e -> names.addAll(metricNames(e)));
        names.removeAll(FROM_PROMETHEUS);
        return names;
    }
}
