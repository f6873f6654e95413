package net.twinblock.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * /metrics follows Prometheus' naming: counters end in _total, gauges do not, units are base
 * units. Checked over every engine counter EngineMetrics knows plus one it does not.
 * (it-tests' MetricsPromtoolTest runs promtool itself on a live pair's output.)
 */
class MetricsConventionsTest {

    @Test
    void everyMetricFollowsTheConventions() {
        Map<String, Long> counters = new TreeMap<>();
        EngineMetrics.engineNames().forEach(n -> counters.put(n, 7L));
        counters.put("future.things_total", 1L);
        counters.put("future.level", 1L);
        String text = MetricsReport.of(new FakeNode("serving", HealthReportTest.pair("in_sync", counters)));

        List<String> wrong = new ArrayList<>();
        for (String line : text.lines().toList()) {
            if (!line.startsWith("# TYPE ")) {
                continue;
            }
            String[] f = line.split(" ");
            String name = f[2];
            String type = f[3];
            if (type.equals("counter") != name.endsWith("_total")) {
                wrong.add(line + " (counters and only counters end in _total)");
            }
            if (name.matches(".*_(ms|millis|nanos|micros|kib|mib|milli|percent)(_.*)?")) {
                wrong.add(line + " (not a base unit)");
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong) + "\n\n" + text);
        // One sample per mirrored LUN, all samples of a metric together under its one header.
        assertTrue(text.contains("# TYPE twinblock_record_hits_total counter\ntwinblock_record_hits_total{lun=\"0\"} 7\n"
                + "twinblock_record_hits_total{lun=\"1\"} 7\n"), text);
        assertTrue(text.contains("twinblock_resync_rate_bytes_per_second{lun=\"1\"} 7168\n"), text);
        assertTrue(text.contains("twinblock_record_status_query_seconds_total{lun=\"0\"} 0.000000007\n"), text);
        assertTrue(text.contains("twinblock_mirror_writes_total{lun=\"1\",result=\"mirrored\"} "), text);
        assertEquals(1, text.lines().filter(l -> l.equals("# TYPE twinblock_mirror_in_sync gauge")).count(), text);
        assertTrue(text.contains("# TYPE twinblock_future_things_total counter\n"), text);
        assertTrue(text.contains("# TYPE twinblock_future_level gauge\n"), text);
    }
}
