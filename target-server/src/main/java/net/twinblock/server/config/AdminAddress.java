package net.twinblock.server.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * What the CLI verbs run with {@code --config} read of a node's config: admin.listen, the admin
 * token file and the TLS keystore, nothing else, so a config whose other keys name files of the
 * node's own (mirror.secret-file, LUN images) still answers from anywhere.
 *
 * <p>A relative path is the node's: relative to its working directory, which for a config in
 * /etc/twinblock/NAME.conf is /var/lib/twinblock/NAME (the systemd unit's WorkingDirectory).
 */
public final class AdminAddress {

    /** Where the packaged unit runs the node of /etc/twinblock/NAME.conf. */
    static final Path SYSTEMD_STATE = Path.of("/var/lib/twinblock");

    private AdminAddress() {
    }

    /** {@code admin.listen} of that config, or its default when the file does not set it. */
    public static InetSocketAddress of(RawConfig raw) throws ConfigException {
        String name = Keys.ADMIN_LISTEN.name();
        return Keys.ADMIN_LISTEN.parse(name, raw.get(name));
    }

    /** The admin token file of the node run with {@code raw} (read from {@code configFile}, or null). */
    public static Path tokenFile(RawConfig raw, Path configFile) throws ConfigException {
        Path file = value(raw, Keys.ADMIN_TOKEN_FILE);
        if (file == null) {
            Path dataDir = Keys.DATA_DIR.parse(Keys.DATA_DIR.name(), raw.get(Keys.DATA_DIR.name()));
            file = dataDir.resolve("admin.token");
        }
        return nodePath(file, configFile);
    }

    /** admin.tls.keystore and its password file as the node finds them, or null when unset. */
    public static Path[] tlsKeystore(RawConfig raw, Path configFile) throws ConfigException {
        Path keystore = value(raw, Keys.ADMIN_TLS_KEYSTORE);
        Path password = value(raw, Keys.ADMIN_TLS_KEYSTORE_PASSWORD_FILE);
        if (keystore == null || password == null) {
            return null;
        }
        return new Path[] {nodePath(keystore, configFile), nodePath(password, configFile)};
    }

    private static Path value(RawConfig raw, Key<Path> key) throws ConfigException {
        return key.parse(key.name(), raw.get(key.name()));
    }

    private static Path nodePath(Path file, Path configFile) {
        if (file.isAbsolute() || configFile == null) {
            return file;
        }
        Path abs = configFile.toAbsolutePath().normalize();
        String name = abs.getFileName().toString();
        if (abs.getParent() != null && abs.getParent().equals(Path.of("/etc/twinblock")) && name.endsWith(".conf")) {
            return SYSTEMD_STATE.resolve(name.substring(0, name.length() - ".conf".length())).resolve(file);
        }
        return file;
    }
}
