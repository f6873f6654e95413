package net.twinblock.server.config;

import java.util.Objects;

/**
 * One config key: its name, its default (as the text an administrator would write, so the
 * example config and {@code --help} can show it), how to parse it, and whether its value is
 * a secret that must never be echoed in an error or a log line.
 *
 * <p>A key without a default is optional: unset (or set to an empty value) reads as null.
 */
public final class Key<T> {

    private final String name;
    private final String defaultValue;
    private final ValueParser<T> parser;
    private final boolean secret;
    private final String help;

    Key(String name, String defaultValue, ValueParser<T> parser, boolean secret, String help) {
        this.name = Objects.requireNonNull(name, "name");
        this.defaultValue = defaultValue;
        this.parser = Objects.requireNonNull(parser, "parser");
        this.secret = secret;
        this.help = Objects.requireNonNull(help, "help");
    }

    public String name() {
        return name;
    }

    /** The default as config text, or null for an optional key. */
    public String defaultValue() {
        return defaultValue;
    }

    public boolean secret() {
        return secret;
    }

    public String help() {
        return help;
    }

    /**
     * Parses {@code raw} (null or empty: use the default). Returns null for an unset optional key.
     *
     * @param keyName the concrete key name to report (differs from {@link #name} for per-LUN keys)
     */
    T parse(String keyName, String raw) throws ConfigException {
        String text = raw == null ? "" : raw.strip();
        if (text.isEmpty()) {
            if (defaultValue == null) {
                return null;
            }
            if (raw != null) {
                throw new ConfigException(keyName, "needs a value (the default is '" + defaultValue
                        + "'; remove the line to use it)", raw);
            }
            text = defaultValue;
        }
        try {
            return parser.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(keyName, e.getMessage(), shown(text));
        }
    }

    /** The value as it may appear in an error message. */
    String shown(String raw) {
        return secret ? "<hidden, " + raw.length() + " characters>" : raw;
    }

    @Override
    public String toString() {
        return name;
    }
}
