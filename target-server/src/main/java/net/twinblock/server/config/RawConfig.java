package net.twinblock.server.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Config text as written, before typing: key -&gt; value plus where each came from, so errors
 * can say "set twice, at node.conf:3 and node.conf:9".
 *
 * <p>File syntax, deliberately smaller than java.util.Properties so nothing surprises:
 * one {@code key = value} per line; a line whose first non-blank character is {@code #} is a
 * comment (there are no trailing comments: a secret may contain '#'); blank lines are
 * ignored; whitespace around key and value is dropped; no quoting, escapes or continuation
 * lines. Unknown keys and keys set twice in one source are errors. An empty value leaves an
 * optional key unset; for a key with a default it is an error (it is usually a mistake).
 */
public final class RawConfig {

    /** A value and where it was written ("node.conf:12", "command line"). */
    public record Entry(String value, String origin) {
    }

    private static final Pattern KEY_SYNTAX = Pattern.compile("[a-z0-9][a-z0-9.-]*");

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** An empty config: every key at its default. */
    public static RawConfig empty() {
        return new RawConfig();
    }

    /** Reads a config file. Errors name the file (as "--config") or the line. */
    public static RawConfig read(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("--config", "no such file", file.toString());
        } catch (AccessDeniedException e) {
            throw new ConfigException("--config", "permission denied", file.toString());
        } catch (CharacterCodingException e) {
            throw new ConfigException("--config", "not UTF-8 text", file.toString());
        } catch (IOException e) {
            throw new ConfigException("--config", "cannot read: " + e.getMessage(), file.toString());
        }
        Path name = file.getFileName();
        return parse(lines, name == null ? file.toString() : name.toString());
    }

    /** Parses config lines; {@code source} names them in errors ("node.conf"). */
    public static RawConfig parse(List<String> lines, String source) throws ConfigException {
        RawConfig config = new RawConfig();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // editors on other systems like to add a BOM
            }
            String where = source + ":" + (i + 1);
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            int eq = t.indexOf('=');
            if (eq < 0) {
                throw new ConfigException(where, "expected 'key = value'", t);
            }
            String key = t.substring(0, eq).strip();
            if (!KEY_SYNTAX.matcher(key).matches()) {
                throw new ConfigException(where, "expected 'key = value' with a lower-case key", t);
            }
            config.put(key, t.substring(eq + 1).strip(), where);
        }
        return config;
    }

    /**
     * Adds one setting. The key must exist; setting it twice in the same source is an error
     * (which of two lines is meant cannot be guessed).
     */
    public void put(String key, String value, String origin) throws ConfigException {
        Keys.Resolved resolved = Keys.resolve(key, origin, value);
        String shown = value.isEmpty() ? value : resolved.key().shown(value);
        Entry previous = entries.get(key);
        if (previous != null) {
            throw new ConfigException(key, "set twice, at " + previous.origin() + " and " + origin, shown);
        }
        entries.put(key, new Entry(value, origin));
    }

    /** Applies {@code overrides} on top of this config (the command line wins over the file). */
    public RawConfig overriddenBy(RawConfig overrides) {
        RawConfig merged = new RawConfig();
        merged.entries.putAll(entries);
        merged.entries.putAll(overrides.entries);
        return merged;
    }

    /** The raw value of a key as written, or null. */
    public String get(String key) {
        Entry e = entries.get(key);
        return e == null ? null : e.value();
    }

    /** Every setting, in the order written. */
    public Map<String, Entry> entries() {
        return Collections.unmodifiableMap(entries);
    }
}
