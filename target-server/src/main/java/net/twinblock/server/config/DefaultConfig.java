package net.twinblock.server.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The config a node reads when no {@code --config} is given: {@code /etc/twinblock/node.conf},
 * where the package installs it, if that file exists. The system property
 * {@code twinblock.default-config} moves it, so tests need not write to /etc.
 */
public final class DefaultConfig {

    public static final String PROPERTY = "twinblock.default-config";
    public static final String PATH = "/etc/twinblock/node.conf";

    private DefaultConfig() {
    }

    /** The default config file, or null when there is none (the built-in defaults apply). */
    public static Path ifPresent() {
        Path p = Path.of(System.getProperty(PROPERTY, PATH));
        return Files.isRegularFile(p) ? p : null;
    }
}
