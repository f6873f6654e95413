package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * examples/monitoring's alert rules are valid and fire on the series they are for ({@code promtool
 * check rules}, {@code promtool test rules}); MetricsAndHealthTest checks that every metric they
 * name is one a live node exports.
 */
class MonitoringRulesTest {

    static final Path RULES = Paths.get("..", "examples", "monitoring", "twinblock-alerts.yml").toAbsolutePath();

    @Test
    void alertRulesPassPromtoolCheckAndTheirUnitTests() {
        assumeTrue(ToolResult.onPath("promtool"), "promtool is not installed (Debian: apt-get install prometheus)");
        ToolResult check = ToolResult.runMerged(Duration.ofSeconds(60), List.of("promtool", "check", "rules", RULES.toString()));
        assertEquals(0, check.exitCode(), check::describe);
        ToolResult test = ToolResult.runMerged(Duration.ofSeconds(60), List.of("promtool", "test", "rules",
                RULES.resolveSibling("twinblock-alerts.test.yml").toString()));
        assertEquals(0, test.exitCode(), test::describe);
    }

    /** The twinblock_* metric names the rules use. */
    static Set<String> metricNames() throws java.io.IOException {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("twinblock_[a-z_]+").matcher(java.nio.file.Files.readString(RULES));
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }
}
