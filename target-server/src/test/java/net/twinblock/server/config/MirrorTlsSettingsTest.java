package net.twinblock.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mirror.tls and its files: on by default once the link leaves loopback, off on loopback; with it
 * on, a missing or unusable file stops the node with an error naming its key. Certificates from
 * examples/mirror-tls/make-pair-certs.sh.
 */
class MirrorTlsSettingsTest {

    @TempDir
    static Path certs;
    @TempDir
    Path dir;

    @BeforeAll
    static void makeCertificates() throws Exception {
        Process p = new ProcessBuilder("../examples/mirror-tls/make-pair-certs.sh", certs.toString(), "alpha", "beta")
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "make-pair-certs.sh hung");
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private List<String> primary(String peer, String... more) throws Exception {
        Path key = Files.writeString(dir.resolve("pair.key"), "0123456789abcdef0123", StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of("mirror.role = primary", "mirror.peer = " + peer,
                "mirror.secret-file = " + key));
        lines.addAll(List.of(more));
        return lines;
    }

    private static List<String> withCerts(List<String> lines, String node) {
        List<String> out = new ArrayList<>(lines);
        out.add("mirror.tls.keystore = " + certs.resolve(node + ".p12"));
        out.add("mirror.tls.keystore-password-file = " + certs.resolve(node + ".p12.password"));
        out.add("mirror.tls.trust-file = " + certs.resolve("ca.pem"));
        return out;
    }

    private static MirrorSettings mirror(List<String> lines) throws ConfigException {
        return NodeConfig.from(RawConfig.parse(lines, "pair.conf")).mirror();
    }

    private static ConfigException refused(List<String> lines) {
        return assertThrows(ConfigException.class, () -> mirror(lines));
    }

    @Test
    void autoIsOffOnLoopbackAndOnElsewhere() throws Exception {
        assertNull(mirror(primary("127.0.0.1:3280")).tls());
        assertNull(mirror(primary("127.0.0.1:3280")).pairConfig().tls());
        ConfigException e = refused(primary("10.0.0.2:3280"));
        assertEquals("mirror.tls.keystore", e.key());
        assertTrue(e.getMessage().contains("mirror.tls = auto and the link leaves loopback"), e.getMessage());
        assertNotNull(mirror(withCerts(primary("10.0.0.2:3280"), "alpha")).pairConfig().tls());
        assertNull(mirror(primary("10.0.0.2:3280", "mirror.tls = off")).tls());
    }

    @Test
    void onWithoutAKeystoreIsRefusedNamingTheMissingKey() throws Exception {
        ConfigException e = refused(primary("127.0.0.1:3280", "mirror.tls = on"));
        assertEquals("mirror.tls.keystore", e.key());
        assertTrue(e.getMessage().startsWith("mirror.tls.keystore: is required because the mirror link uses TLS"
                + " (mirror.tls = on)"), e.getMessage());
        List<String> noPassword = new ArrayList<>(withCerts(primary("127.0.0.1:3280", "mirror.tls = on"), "alpha"));
        noPassword.removeIf(l -> l.startsWith("mirror.tls.keystore-password-file"));
        assertEquals("mirror.tls.keystore-password-file", refused(noPassword).key());
        List<String> noTrust = new ArrayList<>(withCerts(primary("127.0.0.1:3280", "mirror.tls = on"), "alpha"));
        noTrust.removeIf(l -> l.startsWith("mirror.tls.trust-file"));
        assertEquals("mirror.tls.trust-file", refused(noTrust).key());
        assertNotNull(mirror(withCerts(primary("127.0.0.1:3280", "mirror.tls = on"), "alpha")).tls());
    }

    @Test
    void unusableFilesAreNamedByTheirKey() throws Exception {
        List<String> good = withCerts(primary("127.0.0.1:3280", "mirror.tls = on"), "alpha");
        Path wrong = Files.writeString(dir.resolve("wrong.password"), "not the password\n");
        ConfigException badPassword = refused(replace(good, "mirror.tls.keystore-password-file", wrong.toString()));
        assertEquals("mirror.tls.keystore", badPassword.key());
        assertTrue(badPassword.getMessage().contains("cannot open the keystore"), badPassword.getMessage());
        // A certificate is no keystore; a keystore is no PEM certificate.
        assertEquals("mirror.tls.keystore",
                refused(replace(good, "mirror.tls.keystore", certs.resolve("ca.pem").toString())).key());
        ConfigException notPem = refused(replace(good, "mirror.tls.trust-file", certs.resolve("alpha.p12").toString()));
        assertEquals("mirror.tls.trust-file", notPem.key());
        assertEquals("mirror.tls.trust-file",
                refused(replace(good, "mirror.tls.trust-file", dir.resolve("missing.pem").toString())).key());
    }

    @Test
    void anUnknownModeIsRefused() throws Exception {
        assertEquals("mirror.tls", refused(primary("127.0.0.1:3280", "mirror.tls = yes")).key());
    }

    private static List<String> replace(List<String> lines, String key, String value) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            out.add(l.startsWith(key + " ") ? key + " = " + value : l);
        }
        return out;
    }
}
