package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A live pair's /metrics after host I/O, judged by Prometheus' own linter ({@code promtool check
 * metrics}: Debian's prometheus package, which .ci/run installs), and /health of a serving and of
 * a suspended node.
 */
class MetricsAndHealthTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void metricsOfBothNodesPassPromtoolAfterIo() throws Exception {
        assumeTrue(ToolResult.onPath("promtool"), "promtool is not installed (Debian: apt-get install prometheus)");
        try (PairProcesses pair = PairProcesses.start()) {
            try (PairClient host = PairClient.login(pair.primary(), "iqn.2026-01.net.twinblock.it:metrics")) {
                for (int i = 0; i < 32; i++) {
                    host.write(i * 256L, PairClient.pattern(i, i, i % 2 == 0 ? 4096 : 128 * 1024), false);
                }
            }
            for (NodeProcess node : List.of(pair.primary(), pair.secondary())) {
                String metrics = PairProcesses.admin(node, "/metrics");
                ToolResult lint = promtool(metrics);
                assertEquals(0, lint.exitCode(), () -> lint.describe() + "\n" + metrics);
                assertTrue((lint.stdout() + lint.stderr()).isBlank(), () -> "promtool found:\n" + lint.describe());
            }
            assertTrue(PairProcesses.metric(pair.primary(), "twinblock_mirror_writes_total{result=\"mirrored\"}")
                    .orElse(0.0) >= 32, "the writes are not counted");
            // The alert rules in examples/monitoring name only metrics a node exports.
            String exported = PairProcesses.admin(pair.primary(), "/metrics");
            for (String name : MonitoringRulesTest.metricNames()) {
                if (name.startsWith("twinblock_witness_")) {
                    continue; // exported only with mirror.witness: WitnessFailoverTest reads it
                }
                assertTrue(exported.contains("\n# TYPE " + name + " "), name + " in the alert rules is not exported");
            }
        }
    }

    @Test
    void healthIs200WhileServingAnd503WhileIoIsSuspended() throws Exception {
        try (PairProcesses pair = PairProcesses.start("--mirror.on-peer-loss=suspend", "--mirror.suspend-timeout=60s")) {
            HttpResponse<String> ok = health(pair.primary());
            assertEquals(200, ok.statusCode(), ok.body());
            assertTrue(ok.body().contains("\"status\": \"serving\""), ok.body());

            PairProcesses.kill(pair.secondary());
            await("primary suspended").atMost(Duration.ofSeconds(60))
                    .until(() -> "suspended".equals(PairProcesses.mirrorState(pair.primary())));
            HttpResponse<String> down = health(pair.primary());
            assertEquals(503, down.statusCode(), down.body());
            assertTrue(down.body().contains("I/O suspended"), down.body());
        }
    }

    private static HttpResponse<String> health(NodeProcess node) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + "/health"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** promtool reads the exposition from stdin; a file fed as stdin keeps ToolResult's timeout. */
    private static ToolResult promtool(String metrics) throws IOException {
        Path file = Files.createTempFile("metrics", ".prom");
        try {
            Files.writeString(file, metrics, StandardCharsets.UTF_8);
            return ToolResult.runMerged(Duration.ofSeconds(30), List.of("sh", "-c", "promtool check metrics < \"$0\"",
                    file.toString()));
        } finally {
            Files.delete(file);
        }
    }
}
