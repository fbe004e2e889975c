package io.interactionsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The alerts and the dashboard as rendered: every alert has a severity, a summary and a runbook section that exists;
 * together they cover what issue 19 asks to watch; the dashboard reaches Grafana's sidecar; and the metric names are
 * read from the PromQL the way {@link EndToEndIT} then checks them against what the services export.
 */
class MonitoringTests {

    static final Path RUNBOOKS = Path.of("docs/runbooks.md");

    @Test
    void shouldGiveEveryAlertASeveritySummaryAndAnExistingRunbookSection() throws IOException {
        Set<String> anchors = new HashSet<>();
        for (String line : Files.readAllLines(RUNBOOKS)) {
            if (line.startsWith("#")) { // GitHub's heading anchors: lower case, spaces to '-', punctuation dropped
                anchors.add(line.replaceFirst("^#+\\s*", "").trim().toLowerCase(Locale.ROOT)
                        .replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
            }
        }
        Map<String, JsonNode> rules = Monitoring.alertRules("overlays/production");
        assertThat(rules).hasSizeGreaterThanOrEqualTo(9);
        rules.forEach((alert, rule) -> {
            assertThat(alert).startsWith("InteractionSync");
            assertThat(rule.at("/labels/severity").asText()).as(alert).isIn("info", "warning", "critical");
            assertThat(rule.at("/annotations/summary").asText()).as(alert).isNotBlank();
            String runbook = rule.at("/annotations/runbook_url").asText();
            assertThat(runbook).as(alert).startsWith("deploy/docs/runbooks.md#");
            assertThat(anchors).as(alert + " → " + runbook).contains(runbook.substring(runbook.indexOf('#') + 1));
        });
    }

    @Test
    void shouldWatchBreakersAccountsDeadLettersLagOutboxesAndTheJobBacklog() {
        Set<String> watched = new HashSet<>();
        Monitoring.alertRules("overlays/production").values().forEach(r -> watched.addAll(Monitoring.metricNames(r.get("expr").asText())));
        assertThat(watched).contains("googlesync_circuit_state", "microsoftsync_circuit_state", "connector_sources",
                "connector_sources_last_success_age_seconds", "normalizer_dead_letters_total",
                "kafka_consumer_fetch_manager_records_lag_max", "connector_outbox_oldest_age_seconds",
                "normalizer_outbox_oldest_age_seconds", "sync_jobs_oldest_claimable_age_seconds");
        String sourceAlerts = Monitoring.alertRules("overlays/production").values().stream()
                .map(r -> r.get("expr").asText()).filter(e -> e.contains("connector_sources{")).reduce("", String::concat);
        assertThat(sourceAlerts).contains("state=\"reauth_required\"").contains("state=\"incomplete\"");
    }

    @Test
    void shouldShipTheDashboardToGrafanasSidecarInEveryOverlay() {
        for (String target : Kustomize.TARGETS) {
            JsonNode dashboard = Monitoring.dashboard(target);
            assertThat(dashboard.get("uid").asText()).isEqualTo("interaction-sync");
            assertThat(dashboard.at("/templating/list")).extracting(v -> v.get("name").asText()).contains("datasource", "namespace");
            // Every query panel reads the chosen Prometheus and namespace.
            dashboard.get("panels").forEach(p -> p.path("targets").forEach(t -> {
                assertThat(t.at("/datasource/uid").asText()).isEqualTo("${datasource}");
                assertThat(t.get("expr").asText()).as(p.get("title").asText()).contains("namespace=\"$namespace\"");
            }));
        }
        assertThat(Monitoring.expressions("overlays/production").keySet()).filteredOn(k -> k.startsWith("panel "))
                .hasSizeGreaterThanOrEqualTo(12);
    }

    @Test
    void shouldReadMetricNamesOutOfPromQl() {
        assertThat(Monitoring.metricNames("max by (namespace, service, circuitBreaker) (max_over_time("
                + "googlesync_circuit_state[5m])) >= 1 or max by (namespace) (microsoftsync_circuit_state) >= 1"))
                .containsExactly("googlesync_circuit_state", "microsoftsync_circuit_state");
        assertThat(Monitoring.metricNames("sum by (namespace, code) (increase(normalizer_dead_letters_total"
                + "{namespace=\"$namespace\", code=~\"a|b\"}[$__rate_interval])) > 0"))
                .containsExactly("normalizer_dead_letters_total");
        assertThat(Monitoring.metricNames("max(sync_jobs_claimable{service=\"x\"}) + max(sync_jobs_running) and on() "
                + "vector(1) unless absent(up offset 5m) > 26 * 3600"))
                .containsExactlyInAnyOrder("sync_jobs_claimable", "sync_jobs_running", "up");
        assertThat(Monitoring.metricsTheServicesMustExport()).contains("sync_jobs_claimable", "sync_jobs_running",
                "connector_outbox_pending").doesNotContain("up", "max", "namespace", "rate");
    }
}
