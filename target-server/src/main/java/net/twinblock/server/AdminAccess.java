package net.twinblock.server;

import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import net.twinblock.server.admin.AdminGuard;
import net.twinblock.server.tls.TlsFiles;
import net.twinblock.server.admin.AdminToken;
import net.twinblock.server.config.Keys;
import net.twinblock.server.config.NodeConfig;

/** The admin endpoint's guard from the node's config: its token file, TLS keystore and names. */
final class AdminAccess {

    private AdminAccess() {
    }

    static AdminGuard guard(NodeConfig config) throws StartFailure {
        Path tokenFile = config.adminTokenFile();
        AdminToken token;
        try {
            token = AdminToken.loadOrCreate(tokenFile);
        } catch (IOException e) {
            throw new StartFailure("cannot use the admin token file: " + e.getMessage() + " ("
                    + Keys.ADMIN_TOKEN_FILE.name() + ")", e);
        }
        SslContext tls = null;
        Path keystore = config.get(Keys.ADMIN_TLS_KEYSTORE);
        if (keystore != null) {
            try {
                tls = TlsFiles.server(keystore, config.get(Keys.ADMIN_TLS_KEYSTORE_PASSWORD_FILE));
            } catch (IOException e) {
                throw new StartFailure("cannot set up TLS for the admin endpoint: " + e.getMessage() + " ("
                        + Keys.ADMIN_TLS_KEYSTORE.name() + ")", e);
            }
        }
        List<String> names = Objects.requireNonNullElse(config.get(Keys.ADMIN_HOST_NAMES), List.of());
        return new AdminGuard(token, names, tls);
    }
}
