package net.twinblock.server.config;

import java.net.InetSocketAddress;

/**
 * The admin address of a node's config, for the CLI verbs run with {@code --config}: only
 * {@code admin.listen} is read, so a config whose other keys name files relative to the node's
 * own directory (mirror.secret-file, data.dir) still answers from anywhere.
 */
public final class AdminAddress {

    private AdminAddress() {
    }

    /** {@code admin.listen} of that config, or its default when the file does not set it. */
    public static InetSocketAddress of(RawConfig raw) throws ConfigException {
        String name = Keys.ADMIN_LISTEN.name();
        return Keys.ADMIN_LISTEN.parse(name, raw.get(name));
    }
}
