package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * examples/monitoring's Grafana dashboard queries only series a live pair exports: every
 * twinblock_* name in every panel's expression and in the node variable's query is a sample in
 * the /metrics of a node of a pair with a witness, after host writes and reads; and every panel's
 * expression parses as PromQL ({@code promtool check rules}). A renamed metric or a broken query
 * fails here instead of leaving an empty panel.
 */
class DashboardMetricsTest {

    static final Path DASHBOARD = MonitoringRulesTest.RULES.resolveSibling("twinblock-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("twinblock_[a-z_]+");

    @Test
    void everyMetricTheDashboardQueriesIsExportedByALivePair() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertEquals("DS_PROMETHEUS", dashboard.path("__inputs").path(0).path("name").asText(),
                "the dashboard asks for its Prometheus data source on import");
        List<String> expressions = expressions(dashboard);
        Set<String> names = new TreeSet<>();
        for (String expr : expressions) {
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                names.add(m.group());
            }
        }
        assertTrue(names.size() >= 10, () -> "the dashboard's expressions name too few metrics: " + names);

        try (WitnessTrio t = new WitnessTrio(Duration.ofSeconds(3))) {
            ResyncTest.awaitInSync(t.a, t.b);
            try (PairClient host = PairClient.login(t.a, "iqn.2026-01.net.twinblock.it:dashboard")) {
                for (int i = 0; i < 32; i++) {
                    host.write(i * 256L, PairClient.pattern(i, i, 4096), i % 8 == 0);
                    host.read(i * 256L, 4096);
                }
                host.synchronizeCache();
            }
            String exported = PairProcesses.admin(t.a, "/metrics") + PairProcesses.admin(t.b, "/metrics");
            for (String name : names) {
                assertTrue(hasSample(exported, name), name + " in " + DASHBOARD.getFileName()
                        + " is not a series either node exports");
            }
        }
    }

    /**
     * Every panel's expression is PromQL Prometheus accepts: promtool checks them as recording
     * rules, with Grafana's variables replaced by what Grafana would put there.
     */
    @Test
    void everyPanelExpressionIsValidPromql() throws Exception {
        assumeTrue(ToolResult.onPath("promtool"), "promtool is not installed (Debian: apt-get install prometheus)");
        ObjectMapper json = new ObjectMapper();
        JsonNode dashboard = json.readTree(DASHBOARD.toFile());
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int n = 0;
        for (String expr : panelExpressions(dashboard)) {
            String promql = expr.replace("$__rate_interval", "1m").replace("$node", ".*");
            // A JSON string is a YAML double-quoted scalar.
            rules.append("      - record: dashboard:expr_").append(n++).append("\n        expr: ")
                    .append(json.writeValueAsString(promql)).append('\n');
        }
        Path file = Files.createTempFile("dashboard-rules", ".yml");
        try {
            Files.writeString(file, rules);
            ToolResult check = ToolResult.runMerged(Duration.ofSeconds(60), List.of("promtool", "check", "rules",
                    file.toString()));
            assertEquals(0, check.exitCode(), () -> check.describe() + "\n" + rules);
        } finally {
            Files.delete(file);
        }
    }

    /** A sample line of that series, labelled or not (histograms' _bucket/_sum/_count are their own series). */
    private static boolean hasSample(String exposition, String series) {
        return Pattern.compile("(?m)^" + series + "[{ ]").matcher(exposition).find();
    }

    /** Each target's expr in each panel (rows' nested panels included) and each variable's query. */
    private static List<String> expressions(JsonNode dashboard) {
        List<String> out = panelExpressions(dashboard);
        dashboard.path("templating").path("list").forEach(v -> out.add(v.path("query").path("query").asText()
                + " " + v.path("definition").asText()));
        return out;
    }

    private static List<String> panelExpressions(JsonNode dashboard) {
        List<String> out = new ArrayList<>();
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panels::add);
        for (int i = 0; i < panels.size(); i++) {
            JsonNode panel = panels.get(i);
            panel.path("panels").forEach(panels::add);
            panel.path("targets").forEach(target -> out.add(target.path("expr").asText()));
            assertFalse(panel.has("targets") && panel.path("targets").isEmpty(), "panel without a query");
        }
        return out;
    }
}
