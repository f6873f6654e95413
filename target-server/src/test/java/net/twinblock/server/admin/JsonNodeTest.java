package net.twinblock.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonNodeTest {

    @Test
    void readsWhatJsonWrites() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a \"quoted\"\n\u2028line");
        m.put("n", 42L);
        m.put("d", 2.5);
        m.put("t", true);
        m.put("z", null);
        m.put("l", List.of(1L, "x"));
        JsonNode n = JsonNode.parse(Json.write(m));
        assertEquals("a \"quoted\"\n\u2028line", n.get("s").text());
        assertEquals(42, n.get("n").asLong(0));
        assertEquals(2.5, n.get("d").asDouble(0));
        assertTrue(n.get("t").isTrue());
        assertTrue(n.get("z").isNull());
        assertEquals(List.of("1", "x"), n.get("l").list().stream().map(JsonNode::text).toList());
        assertEquals(List.of("s", "n", "d", "t", "z", "l"), n.keys());
        assertEquals(Json.write(m).strip(), n.toString());
    }

    @Test
    void aMissingMemberIsNullNotAnError() {
        JsonNode n = JsonNode.parse("{\"a\": {}}");
        assertTrue(n.get("a").get("b").get("c").isNull());
        assertEquals(-1, n.get("x").asLong(-1));
        assertEquals(List.of(), n.get("x").list());
    }

    @Test
    void brokenJsonNamesWhereItBroke() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonNode.parse("{\"a\": }"));
        assertTrue(e.getMessage().contains("offset 6"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JsonNode.parse("{\"a\": 1} x"));
        assertThrows(IllegalArgumentException.class, () -> JsonNode.parse("\"open"));
        assertThrows(IllegalArgumentException.class, () -> JsonNode.parse(""));
    }
}
