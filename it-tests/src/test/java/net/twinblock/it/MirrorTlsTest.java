package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mirror link over TLS (mirror.tls = on) between two real nodes on loopback, with
 * certificates from examples/mirror-tls/make-pair-certs.sh: the pair links and mirrors; plain
 * peer frames written at the secondary's link port are dropped unread; a node whose certificate
 * the pair's CA did not sign never links, and both nodes' status says why.
 */
class MirrorTlsTest {

    private static final Pattern LINK_FAILURE = Pattern.compile("\"linkFailure\": \"([^\"]*)\"");

    @TempDir
    static Path certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        makeCerts(certs.resolve("pair"), "alpha", "beta");
        makeCerts(certs.resolve("other"), "rogue"); // another CA
    }

    private static void makeCerts(Path dir, String... names) throws Exception {
        String[] cmd = new String[names.length + 2];
        cmd[0] = "../examples/mirror-tls/make-pair-certs.sh";
        cmd[1] = dir.toString();
        System.arraycopy(names, 0, cmd, 2, names.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "make-pair-certs.sh hung");
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** A node's TLS arguments: its keystore from {@code dir}, trusting the pair's CA. */
    private static String[] tls(Path dir, String node) {
        Path pair = certs.resolve("pair");
        return new String[] {"--mirror.tls=on", "--mirror.tls.keystore=" + dir.resolve(node + ".p12"),
            "--mirror.tls.keystore-password-file=" + dir.resolve(node + ".p12.password"),
            "--mirror.tls.trust-file=" + pair.resolve("ca.pem")};
    }

    @Test
    void aPairLinksOverTlsMirrorsAndDropsPlainFrames() throws Exception {
        try (PairProcesses pair = PairProcesses.startSecondary(tls(certs.resolve("pair"), "beta"))) {
            pair.startPrimary(tls(certs.resolve("pair"), "alpha"));
            assertTrue(pair.primary().logText().contains("is up over TLSv1.3"), pair.primary().logTail(20));
            assertTrue(pair.secondary().logText().contains("is up over TLSv1.3"), pair.secondary().logTail(20));
            assertMirrors(pair, 100);

            long targetLba = 2048;
            byte[] before = sha256(PairProcesses.image(pair.secondary()));
            byte[] payload = new byte[4096];
            Arrays.fill(payload, (byte) 0xab);
            assertDropped(pair.linkPort(), PlainWriteFrame.of(targetLba, payload));

            assertEquals("in_sync", PairProcesses.mirrorState(pair.secondary()));
            assertEquals(HexFormat.of().formatHex(before), HexFormat.of().formatHex(
                    sha256(PairProcesses.image(pair.secondary()))), "the plain frame changed the secondary's image");
            try (PairClient viaSecondary = PairClient.login(pair.secondary(), "iqn.2026-01.net.twinblock.it:check")) {
                assertArrayEquals(new byte[4096], viaSecondary.read(targetLba, 4096));
            }
            assertMirrors(pair, 300);
        }
    }

    @Test
    void aNodeWhoseCertificateThePeerDoesNotTrustNeverLinks() throws Exception {
        try (PairProcesses pair = PairProcesses.startSecondary(tls(certs.resolve("pair"), "beta"))) {
            NodeProcess.Builder b = NodeProcess.builder().iqn(PairProcesses.PAIR_IQN)
                    .dataDir(pair.dir().resolve("rogue")).arg("--mirror.role=primary")
                    .arg("--mirror.peer=127.0.0.1:" + pair.linkPort())
                    .arg("--mirror.secret-file=" + pair.keyFile()); // the right key: only TLS stops it
            for (String a : tls(certs.resolve("other"), "rogue")) {
                b.arg(a);
            }
            try (NodeProcess rogue = b.start()) {
                assertNeverLinks(pair, rogue);
            }
        }
    }

    /** The untrusted node keeps dialing and failing: both sides' status says TLS, neither links. */
    private static void assertNeverLinks(PairProcesses pair, NodeProcess rogue) {
        await("both nodes show the TLS failure").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> linkFailure(rogue).startsWith("TLS with ")
                        && linkFailure(pair.secondary()).startsWith("TLS with "));
        assertEquals("connecting", PairProcesses.mirrorState(pair.secondary()));
        assertNotEquals("in_sync", PairProcesses.mirrorState(rogue));
        assertTrue(!pair.secondary().logText().contains("mirror link of LUN 0 from primary"),
                "the secondary linked an untrusted primary:\n" + pair.secondary().logTail(20));
    }

    /** LUN 0's "linkFailure" in a node's status, "" if none. */
    private static String linkFailure(NodeProcess node) {
        Matcher m = LINK_FAILURE.matcher(PairProcesses.admin(node, "/status"));
        return m.find() ? m.group(1) : "";
    }

    /** Sends {@code bytes} to the link port and expects the secondary to hang up without answering a frame. */
    private static void assertDropped(int port, byte[] bytes) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(20_000);
            try {
                s.getOutputStream().write(bytes);
                s.getOutputStream().flush();
            } catch (SocketException e) {
                return; // closed while we were still writing: dropped
            }
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            try {
                // A TLS server may answer a non-TLS record with an alert; no peer frame comes back.
                while (in.read(buf) >= 0) {
                    assertNotEquals(0x05, buf[0], "a plain ERROR frame: the link spoke plain text");
                }
            } catch (SocketException e) {
                // reset: dropped too
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the secondary kept a plain-text connection open for 20 s");
            }
        }
    }

    /** A write through the primary reads back through the secondary. */
    private static void assertMirrors(PairProcesses pair, long lba) throws IOException {
        byte[] data = PairClient.pattern(lba, 42, 8192);
        try (PairClient host = PairClient.login(pair.primary(), "iqn.2026-01.net.twinblock.it:tls-writer")) {
            host.write(lba, data, true);
        }
        try (PairClient viaSecondary = PairClient.login(pair.secondary(), "iqn.2026-01.net.twinblock.it:tls-reader")) {
            assertArrayEquals(data, viaSecondary.read(lba, data.length));
        }
    }

    private static byte[] sha256(Path file) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        return d.digest();
    }
}
