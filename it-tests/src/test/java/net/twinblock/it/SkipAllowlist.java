package net.twinblock.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which conformance tests may be skipped, and why. One entry per line: "Suite.Test: reason", where
 * the name may end in or contain '*' ("Sanitize.*", "Prout*"); '#' starts a comment. An entry without
 * a reason is refused: a skip nobody can justify is a failure in disguise.
 */
public final class SkipAllowlist {

    public record Entry(String pattern, String reason, Pattern regex) {
    }

    private final List<Entry> entries;

    private SkipAllowlist(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static SkipAllowlist parse(String text) {
        List<Entry> entries = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\r?\n")) {
            lineNo++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            String reason = colon < 0 ? "" : trimmed.substring(colon + 1).strip();
            if (colon <= 0 || reason.isEmpty()) {
                throw new IllegalArgumentException("skip allowlist line " + lineNo
                        + ": expected \"Suite.Test: reason\", got \"" + trimmed + "\"");
            }
            String pattern = trimmed.substring(0, colon).strip();
            entries.add(new Entry(pattern, reason, glob(pattern)));
        }
        return new SkipAllowlist(entries);
    }

    public static SkipAllowlist load(String resource) {
        try (InputStream in = SkipAllowlist.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + resource);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the entry allowing {@code test} to be skipped, or null if it must run. */
    public Entry find(String test) {
        for (Entry e : entries) {
            if (e.regex().matcher(test).matches()) {
                return e;
            }
        }
        return null;
    }

    public List<Entry> entries() {
        return entries;
    }

    private static Pattern glob(String pattern) {
        String[] parts = pattern.split("\\*", -1);
        StringBuilder re = new StringBuilder(Pattern.quote(parts[0]));
        for (int i = 1; i < parts.length; i++) {
            re.append(".*").append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(re.toString());
    }
}
