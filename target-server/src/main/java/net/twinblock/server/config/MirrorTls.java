package net.twinblock.server.config;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import net.twinblock.mirror.link.LinkTls;
import net.twinblock.server.tls.TlsFiles;

/**
 * Whether the mirror link runs TLS (mirror.tls) and with which key and trust. {@code auto} turns
 * it on as soon as either end of the link is off loopback, where anyone on the path could read the
 * replicated data or inject frames; on loopback it stays off (no one else is on that path, and
 * TLS costs CPU). The files are read at config time, so {@code config check} finds a missing or
 * unreadable one and names its key.
 */
final class MirrorTls {

    private MirrorTls() {
    }

    /** The link's TLS, or null for plain TCP. */
    static LinkTls of(NodeConfig c, InetSocketAddress listen, InetSocketAddress peer) throws ConfigException {
        String mode = c.get(Keys.MIRROR_TLS);
        boolean on = mode.equals("on") || mode.equals("auto") && !(loopback(listen) && loopback(peer));
        if (!on) {
            return null;
        }
        String why = mode.equals("on") ? "mirror.tls = on" : "mirror.tls = auto and the link leaves loopback ("
                + Keys.MIRROR_LISTEN.name() + " or " + Keys.MIRROR_PEER.name() + ")";
        Path keystore = required(c, Keys.MIRROR_TLS_KEYSTORE, why, "a PKCS12 keystore with this node's key and"
                + " certificate");
        Path password = required(c, Keys.MIRROR_TLS_KEYSTORE_PASSWORD_FILE, why, "the file holding "
                + Keys.MIRROR_TLS_KEYSTORE.name() + "'s password");
        Path trust = required(c, Keys.MIRROR_TLS_TRUST_FILE, why, "PEM certificates the partner's certificate must"
                + " chain to (the pair's CA, or the partner's certificate)");
        KeyManagerFactory keys;
        try {
            keys = TlsFiles.keyManagers(keystore, password);
        } catch (IOException e) {
            throw new ConfigException(Keys.MIRROR_TLS_KEYSTORE.name(), e.getMessage(), keystore.toString());
        }
        TrustManagerFactory trusted;
        try {
            trusted = TlsFiles.trustingPemFile(trust);
        } catch (IOException e) {
            throw new ConfigException(Keys.MIRROR_TLS_TRUST_FILE.name(), e.getMessage(), trust.toString());
        }
        try {
            return TlsFiles.link(keys, trusted);
        } catch (IOException e) {
            throw new ConfigException(Keys.MIRROR_TLS_KEYSTORE.name(), "cannot set up TLS: " + e.getMessage(),
                    keystore.toString());
        }
    }

    /** Unset counts as loopback: the end this node does not use. An unresolved name does not. */
    private static boolean loopback(InetSocketAddress a) {
        return a == null || a.getAddress() != null && a.getAddress().isLoopbackAddress();
    }

    private static Path required(NodeConfig c, Key<Path> key, String why, String what) throws ConfigException {
        Path p = c.get(key);
        if (p == null) {
            throw new ConfigException(key.name(), "is required because the mirror link uses TLS (" + why + "): "
                    + what + "; or set mirror.tls = off", "");
        }
        return p;
    }
}
