package net.twinblock.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * examples/config/node.conf documents every key with its default. These tests keep it honest:
 * uncommenting every documented setting must give exactly the built-in defaults, and every key
 * the node knows must be documented with the same default text {@code --help} shows.
 */
class ExampleConfigTest {

    /** A documented setting: "# key.with.dots = value" (prose comments have no dotted key). */
    private static final Pattern SETTING = Pattern.compile("# ([a-z0-9-]+(?:\\.[a-z0-9-]+)+) =(.*)");

    private static final Path NODE_CONF = Path.of("..", "examples", "config", "node.conf");

    private static List<String> lines() throws Exception {
        assertTrue(Files.isRegularFile(NODE_CONF), "missing " + NODE_CONF.toAbsolutePath());
        return Files.readAllLines(NODE_CONF, StandardCharsets.UTF_8);
    }

    private static Map<String, String> documented() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : lines()) {
            Matcher m = SETTING.matcher(line);
            if (m.matches()) {
                out.put(m.group(1), m.group(2).strip());
            }
        }
        return out;
    }

    @Test
    void theFileAsShippedRunsOnDefaults() throws Exception {
        assertEquals(NodeConfig.defaults(), NodeConfig.from(RawConfig.read(NODE_CONF)));
    }

    @Test
    void uncommentingEveryDocumentedSettingGivesExactlyTheDefaults() throws Exception {
        List<String> uncommented = new ArrayList<>();
        documented().forEach((k, v) -> uncommented.add(k + " = " + v));
        assertEquals(NodeConfig.defaults(), NodeConfig.from(RawConfig.parse(uncommented, "node.conf")));
    }

    @Test
    void everyKeyIsDocumentedWithItsDefault() throws Exception {
        Map<String, String> doc = documented();
        Map<String, String> expected = new LinkedHashMap<>();
        for (Key<?> k : Keys.nodeKeys()) {
            expected.put(k.name(), k.defaultValue() == null ? "" : k.defaultValue());
        }
        for (Key<?> k : Keys.lunKeys()) {
            expected.put(Keys.lunKeyName(0, k), k.defaultValue() == null ? "" : k.defaultValue());
        }
        for (Key<?> k : Keys.aclKeys()) {
            expected.put(Keys.aclKeyName(0, k), "");
        }
        assertEquals(expected, doc);
    }
}
