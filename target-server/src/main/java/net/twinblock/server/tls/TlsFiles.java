package net.twinblock.server.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collections;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import net.twinblock.mirror.link.LinkTls;

/**
 * TLS contexts from the files an administrator configures, with the JDK's own providers: a
 * node's key and certificate from a PKCS12 keystore (its password in a file), trust from PEM
 * certificates or from a keystore's own certificates. The admin endpoint ({@link #server}, and
 * the CLI's {@link #trustingKeystore} or {@link #trustingPem}) and the links between nodes
 * ({@link #link}: mutual, TLS 1.3 only) are built here alike.
 */
public final class TlsFiles {

    /** TLS 1.2 stays for older Prometheus and load balancer builds; nothing older. */
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** Between our own nodes nothing older is needed. */
    private static final String[] LINK_PROTOCOLS = {"TLSv1.3"};

    private TlsFiles() {
    }

    /**
     * The server side from {@code keystore}.
     *
     * @throws IOException with a message naming the file that cannot be used and why
     */
    public static SslContext server(Path keystore, Path passwordFile) throws IOException {
        KeyManagerFactory kmf = keyManagers(keystore, passwordFile);
        return SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK).protocols(PROTOCOLS).build();
    }

    /**
     * Both ends of a link between nodes: this node's key and certificate ({@link #keyManagers}),
     * and the peer's certificate must chain to one {@code tmf} trusts ({@link #trustingPemFile}: the
     * pair's CA, or the peer's own certificate), whichever end dials. No host name check: the trusted certificates
     * are the pair's own, and the accepting end cannot check a dialer's name anyway.
     *
     */
    public static LinkTls link(KeyManagerFactory kmf, TrustManagerFactory tmf) throws IOException {
        SslContext server = SslContextBuilder.forServer(kmf).trustManager(tmf).clientAuth(ClientAuth.REQUIRE)
                .sslProvider(SslProvider.JDK).protocols(LINK_PROTOCOLS).build();
        SslContext client = SslContextBuilder.forClient().keyManager(kmf).trustManager(tmf)
                .endpointIdentificationAlgorithm(null).sslProvider(SslProvider.JDK).protocols(LINK_PROTOCOLS).build();
        return new LinkTls(server, client);
    }

    /**
     * This node's key and certificate from a PKCS12 {@code keystore}.
     *
     * @throws IOException with a message naming the file that cannot be used and why
     */
    public static KeyManagerFactory keyManagers(Path keystore, Path passwordFile) throws IOException {
        char[] password = password(passwordFile);
        KeyStore ks = load(keystore, password);
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            if (Collections.list(ks.aliases()).stream().noneMatch(a -> isKey(ks, a))) {
                throw new IOException(keystore + " holds no private key, only certificates");
            }
            return kmf;
        } catch (GeneralSecurityException e) {
            throw new IOException(keystore + " holds no usable key and certificate: " + e.getMessage(), e);
        }
    }

    private static boolean isKey(KeyStore ks, String alias) {
        try {
            return ks.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A client context trusting the certificates of {@code keystore} (the node's own). */
    public static SSLContext trustingKeystore(Path keystore, Path passwordFile) throws IOException {
        KeyStore ks = load(keystore, password(passwordFile));
        KeyStore trust = emptyStore();
        try {
            for (String alias : Collections.list(ks.aliases())) {
                Certificate c = ks.getCertificate(alias);
                if (c != null) {
                    trust.setCertificateEntry(alias, c);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the certificates of " + keystore + ": " + e.getMessage(), e);
        }
        return client(trust, keystore);
    }

    /** A client context trusting the PEM certificate(s) in {@code pem}. */
    public static SSLContext trustingPem(Path pem) throws IOException {
        return client(pemStore(pem), pem);
    }

    /** Trust in the PEM certificate(s) in {@code pem}; IOException naming the file if it holds none. */
    public static TrustManagerFactory trustingPemFile(Path pem) throws IOException {
        return trustManagers(pemStore(pem), pem);
    }

    private static KeyStore pemStore(Path pem) throws IOException {
        KeyStore trust = emptyStore();
        try (InputStream in = Files.newInputStream(pem)) {
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("cert-" + n++, c);
            }
            if (n == 0) {
                throw new IOException(pem + " holds no certificate");
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(pem + " is not a PEM certificate: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException("cannot read the certificates " + pem + ": " + e.getMessage(), e);
        }
        return trust;
    }

    private static SSLContext client(KeyStore trust, Path from) throws IOException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, trustManagers(trust, from).getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust the certificates of " + from + ": " + e.getMessage(), e);
        }
    }

    private static TrustManagerFactory trustManagers(KeyStore trust, Path from) throws IOException {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            return tmf;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust the certificates of " + from + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore load(Path keystore, char[] password) throws IOException {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            return ks;
        } catch (GeneralSecurityException e) {
            throw new IOException(keystore + " is not a PKCS12 keystore: " + e.getMessage(), e);
        } catch (IOException e) {
            // A wrong password shows as an IOException whose cause says so.
            throw new IOException("cannot open the keystore " + keystore + ": " + e.getMessage(), e);
        }
    }

    private static char[] password(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip().toCharArray();
        } catch (IOException e) {
            throw new IOException("cannot read the keystore password file " + file + ": " + e, e);
        }
    }

    private static KeyStore emptyStore() throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            return ks;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot create a trust store: " + e.getMessage(), e);
        }
    }
}
