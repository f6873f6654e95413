package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * the /metrics of a node of a pair with a witness, after host writes and reads. A renamed metric
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

    /** A sample line of that series, labelled or not (histograms' _bucket/_sum/_count are their own series). */
    private static boolean hasSample(String exposition, String series) {
        return Pattern.compile("(?m)^" + series + "[{ ]").matcher(exposition).find();
    }

    /** Each target's expr in each panel (rows' nested panels included) and each variable's query. */
    private static List<String> expressions(JsonNode dashboard) {
        List<String> out = new ArrayList<>();
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panels::add);
        for (int i = 0; i < panels.size(); i++) {
            JsonNode panel = panels.get(i);
            panel.path("panels").forEach(panels::add);
            panel.path("targets").forEach(target -> out.add(target.path("expr").asText()));
            assertFalse(panel.has("targets") && panel.path("targets").isEmpty(), "panel without a query");
        }
        dashboard.path("templating").path("list").forEach(v -> out.add(v.path("query").path("query").asText()
                + " " + v.path("definition").asText()));
        return out;
    }
}
