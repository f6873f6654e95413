package net.twinblock.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import net.twinblock.server.admin.AdminClient;
import net.twinblock.server.tls.TlsFiles;
import net.twinblock.server.admin.AdminToken;
import net.twinblock.server.config.AdminAddress;
import net.twinblock.server.config.ConfigException;
import net.twinblock.server.config.DefaultConfig;
import net.twinblock.server.config.Keys;
import net.twinblock.server.config.NodeConfig;
import net.twinblock.server.config.RawConfig;
import net.twinblock.server.config.ValueParsers;

/**
 * Which node's admin endpoint a CLI verb calls and how: {@code --admin HOST:PORT} or
 * {@code --config FILE} (default: the installed config, else the built-in defaults), the token
 * from {@code --token-file} or that config's admin.token-file, and for HTTPS the certificate to
 * trust from {@code --cacert PEM} or that config's admin.tls.keystore.
 */
final class AdminTarget {

    private final InetSocketAddress address;
    private final Path tokenFile;
    private final SSLContext tls;
    /** The token file was named by --token-file, not found through the config. */
    private final boolean tokenFromOption;

    private AdminTarget(InetSocketAddress address, Path tokenFile, SSLContext tls, boolean tokenFromOption) {
        this.address = address;
        this.tokenFile = tokenFile;
        this.tls = tls;
        this.tokenFromOption = tokenFromOption;
    }

    static AdminTarget parse(String[] args) throws ConfigException {
        String admin = null;
        String config = null;
        String tokenFile = null;
        String cacert = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String option;
            String value;
            if (a.startsWith("--") && a.contains("=")) {
                option = a.substring(0, a.indexOf('='));
                value = a.substring(a.indexOf('=') + 1);
            } else if (a.startsWith("--") && i + 1 < args.length) {
                option = a;
                value = args[++i];
            } else {
                throw new ConfigException(a, "expected --admin HOST:PORT or --config FILE, --token-file FILE,"
                        + " --cacert FILE", a);
            }
            switch (option) {
                case "--admin" -> admin = once(option, admin, value);
                case "--config" -> config = once(option, config, value);
                case "--token-file" -> tokenFile = once(option, tokenFile, value);
                case "--cacert" -> cacert = once(option, cacert, value);
                default -> throw new ConfigException(option, "expected --admin HOST:PORT or --config FILE,"
                        + " --token-file FILE, --cacert FILE", value);
            }
        }
        if (admin != null && config != null) {
            throw new ConfigException("--config", "only one of --admin and --config may be given", config);
        }
        Path configFile = config != null ? Path.of(config) : admin == null ? DefaultConfig.ifPresent() : null;
        RawConfig raw = configFile == null ? RawConfig.empty() : RawConfig.read(configFile);
        InetSocketAddress address;
        if (admin != null) {
            try {
                address = ValueParsers.hostPort().parse(admin);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--admin", e.getMessage(), admin);
            }
        } else {
            address = configFile == null ? NodeConfig.defaults().get(Keys.ADMIN_LISTEN) : AdminAddress.of(raw);
        }
        Path token = tokenFile != null ? Path.of(tokenFile) : AdminAddress.tokenFile(raw, configFile);
        return new AdminTarget(address, token, trust(cacert, raw, configFile), tokenFile != null);
    }

    private static SSLContext trust(String cacert, RawConfig raw, Path configFile) throws ConfigException {
        try {
            if (cacert != null) {
                return TlsFiles.trustingPem(Path.of(cacert));
            }
            Path[] keystore = AdminAddress.tlsKeystore(raw, configFile);
            return keystore == null ? null : TlsFiles.trustingKeystore(keystore[0], keystore[1]);
        } catch (IOException e) {
            throw new ConfigException(cacert != null ? "--cacert" : Keys.ADMIN_TLS_KEYSTORE.name(), e.getMessage(),
                    cacert != null ? cacert : "");
        }
    }

    private static String once(String option, String before, String value) throws ConfigException {
        if (before != null) {
            throw new ConfigException(option, "given twice", value);
        }
        return value;
    }

    /**
     * A client for this endpoint; {@code withToken} for commands (POST), which then fail here, as
     * a config error (exit 2) naming the token file, when the token cannot be read.
     */
    AdminClient client(boolean withToken) throws ConfigException {
        String token = null;
        if (withToken) {
            try {
                token = AdminToken.read(tokenFile);
            } catch (IOException e) {
                throw new ConfigException(tokenFromOption ? "--token-file" : Keys.ADMIN_TOKEN_FILE.name(),
                        "cannot read the admin token (" + e + "): run this as the node's user, or pass --token-file",
                        tokenFile.toString());
            }
        }
        return new AdminClient(address, token, tls);
    }
}
