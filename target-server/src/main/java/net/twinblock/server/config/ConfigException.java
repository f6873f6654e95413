package net.twinblock.server.config;

/**
 * A configuration value the node cannot run with. The message always names the key (or, for a
 * malformed line, the file and line), says what is wrong and echoes the offending value, so
 * an administrator can fix it without reading our code:
 * {@code iscsi.command-window: must be at least 128 (got '64')}.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * @param key     the key (or "file:line", "command line", ...) the problem belongs to
     * @param problem what is wrong, as a phrase ("must be at least 128")
     * @param shown   the offending value as it may be shown (secrets already masked), or null
     */
    public ConfigException(String key, String problem, String shown) {
        super(key + ": " + problem + (shown == null ? "" : " (got '" + shown + "')"));
        this.key = key;
    }

    /** The key (or location) the problem belongs to. */
    public String key() {
        return key;
    }
}
