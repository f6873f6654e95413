package net.twinblock.server.admin;

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

/**
 * TLS for the admin endpoint from the JDK's own providers: the node's side from a PKCS12
 * keystore (admin.tls.keystore, its password in a file), and the CLI's trust in that node,
 * either the certificate of the same keystore (the CLI on the node's host) or a PEM file.
 */
public final class AdminTls {

    /** TLS 1.2 stays for older Prometheus and load balancer builds; nothing older. */
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private AdminTls() {
    }

    /**
     * The server side from {@code keystore}.
     *
     * @throws IOException with a message naming the file that cannot be used and why
     */
    public static SslContext server(Path keystore, Path passwordFile) throws IOException {
        char[] password = password(passwordFile);
        KeyStore ks = load(keystore, password);
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            return SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK).protocols(PROTOCOLS).build();
        } catch (GeneralSecurityException e) {
            throw new IOException(keystore + " holds no usable key and certificate: " + e.getMessage(), e);
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
        }
        return client(trust, pem);
    }

    private static SSLContext client(KeyStore trust, Path from) throws IOException {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
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
