package net.twinblock.server.admin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CLI's reading of the admin endpoint's JSON ({@link Json} writes it): a parsed value with
 * lenient accessors, so a renderer asks {@code status.get("mirror").get("role").text()} and
 * gets null rather than an exception for a field an older node does not send. Objects keep
 * their order; numbers are longs when integral, else doubles.
 */
public final class JsonNode {

    private static final JsonNode MISSING = new JsonNode(null);

    private final Object value;

    private JsonNode(Object value) {
        this.value = value;
    }

    /**
     * Parses one JSON document.
     *
     * @throws IllegalArgumentException if it is not JSON, naming the offset
     */
    public static JsonNode parse(String json) {
        Parser p = new Parser(json);
        Object v = p.value();
        p.skipSpace();
        if (p.pos != json.length()) {
            throw p.error("text after the JSON value");
        }
        return new JsonNode(v);
    }

    /** The value of a member that is not there: every accessor answers null, empty or its default. */
    public static JsonNode missing() {
        return MISSING;
    }

    /** A member of an object; a missing node (all accessors null or empty) otherwise. */
    public JsonNode get(String key) {
        return value instanceof Map<?, ?> m && m.containsKey(key) ? new JsonNode(m.get(key)) : MISSING;
    }

    /** The elements of an array; empty for anything else. */
    public List<JsonNode> list() {
        if (!(value instanceof List<?> l)) {
            return List.of();
        }
        List<JsonNode> out = new ArrayList<>(l.size());
        l.forEach(v -> out.add(new JsonNode(v)));
        return out;
    }

    /** The keys of an object in document order; empty for anything else. */
    public List<String> keys() {
        return value instanceof Map<?, ?> m ? m.keySet().stream().map(String::valueOf).toList() : List.of();
    }

    public boolean isNull() {
        return value == null;
    }

    /** A string member as is; a number or boolean as its text; null for null, objects and arrays. */
    public String text() {
        return value instanceof String || value instanceof Number || value instanceof Boolean ? String.valueOf(value) : null;
    }

    public long asLong(long otherwise) {
        return value instanceof Number n ? n.longValue() : otherwise;
    }

    public double asDouble(double otherwise) {
        return value instanceof Number n ? n.doubleValue() : otherwise;
    }

    public boolean isTrue() {
        return Boolean.TRUE.equals(value);
    }

    @Override
    public String toString() {
        return Json.write(value).strip();
    }

    /** Recursive descent over the string; small, since the documents are our own few kilobytes. */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        Object value() {
            skipSpace();
            if (pos >= s.length()) {
                throw error("the JSON ends early");
            }
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> word("true", Boolean.TRUE);
                case 'f' -> word("false", Boolean.FALSE);
                case 'n' -> word("null", null);
                default -> number();
            };
        }

        private Map<String, Object> object() {
            Map<String, Object> out = new LinkedHashMap<>();
            pos++;
            skipSpace();
            if (peek('}')) {
                return out;
            }
            do {
                skipSpace();
                String key = string();
                skipSpace();
                expect(':');
                out.put(key, value());
                skipSpace();
            } while (peek(','));
            expect('}');
            return Collections.unmodifiableMap(out);
        }

        private List<Object> array() {
            List<Object> out = new ArrayList<>();
            pos++;
            skipSpace();
            if (peek(']')) {
                return out;
            }
            do {
                out.add(value());
                skipSpace();
            } while (peek(','));
            expect(']');
            return Collections.unmodifiableList(out);
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (pos >= s.length()) {
                    break;
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw error("a \\u escape ends early");
                        }
                        out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> out.append(e);
                }
            }
            throw error("a string does not end");
        }

        private Object number() {
            int start = pos;
            while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
            String n = s.substring(start, pos);
            try {
                return n.matches("-?\\d+") ? (Object) Long.parseLong(n) : (Object) Double.parseDouble(n);
            } catch (NumberFormatException e) {
                pos = start;
                throw error("expected a value");
            }
        }

        private Object word(String word, Object v) {
            if (!s.startsWith(word, pos)) {
                throw error("expected " + word);
            }
            pos += word.length();
            return v;
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private boolean peek(char c) {
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("not the JSON the admin endpoint writes: " + what + " at offset " + pos);
        }
    }
}
