package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The secondary accepts mirror traffic only from its authenticated primary (DESIGN section 3): a
 * node with the wrong key and a client writing mirror frames straight at the link port are both
 * refused, nothing they sent reaches the secondary's disk, and the real pair keeps mirroring.
 */
class PairSecurityTest {

    @Test
    void aNodeWithTheWrongKeyIsRefusedAndTheRealPrimaryStillPairs() throws Exception {
        try (PairProcesses pair = PairProcesses.startSecondary()) {
            Path wrongKey = pair.dir().resolve("wrong.key");
            Files.writeString(wrongKey, "not the pair's key, but long enough\n", StandardCharsets.UTF_8);
            try (NodeProcess rogue = NodeProcess.builder().iqn(PairProcesses.PAIR_IQN)
                    .dataDir(pair.dir().resolve("rogue")).arg("--mirror.role=primary")
                    .arg("--mirror.peer=127.0.0.1:" + pair.linkPort()).arg("--mirror.secret-file=" + wrongKey)
                    .start()) {
                await("the wrong key is refused").atMost(Duration.ofSeconds(30))
                        .until(() -> rogue.logText().contains("authentication failed"));
                // Two processes log the one refusal; the rogue's line may land first.
                await("the secondary says it refused").atMost(Duration.ofSeconds(30))
                        .until(() -> pair.secondary().logText().contains("authentication failed"));
                assertEquals("connecting", PairProcesses.mirrorState(pair.secondary()));
                assertNotEquals("in_sync", PairProcesses.mirrorState(rogue));
                assertTrue(!pair.secondary().logText().contains("mirror link from primary"),
                        "the secondary took the rogue as its primary:\n" + pair.secondary().logTail(20));
            }
            pair.startPrimary();
            assertMirrors(pair, 100);
        }
    }

    @Test
    void mirrorFramesFromAClientThatNeverAuthenticatedAreRefused() throws Exception {
        try (PairProcesses pair = PairProcesses.start()) {
            long targetLba = 2048;
            byte[] payload = new byte[4096];
            Arrays.fill(payload, (byte) 0xab);
            assertClosedAfter(pair.linkPort(), PlainWriteFrame.of(targetLba, payload));
            // Garbage that is no frame at all.
            assertClosedAfter(pair.linkPort(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

            assertEquals("in_sync", PairProcesses.mirrorState(pair.secondary()));
            try (PairClient viaSecondary = PairClient.login(pair.secondary(), "iqn.2026-01.net.twinblock.it:check")) {
                assertArrayEquals(new byte[4096], viaSecondary.read(targetLba, 4096),
                        "the unauthenticated frame's data reached the secondary's disk");
            }
            assertMirrors(pair, 300);
        }
    }

    /** Sends {@code bytes} to the link port and expects the secondary to hang up. */
    private static void assertClosedAfter(int port, byte[] bytes) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(bytes);
                out.flush();
            } catch (SocketException e) {
                return; // closed while we were still writing: refused
            }
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            try {
                // It may answer with an ERROR frame first; what matters is that it closes.
                while (in.read(buf) >= 0) {
                    // drain
                }
            } catch (SocketException e) {
                // connection reset: closed too
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the secondary kept an unauthenticated connection open for 20 s");
            }
        }
    }

    /** A write through the primary is on the secondary, and counted as mirrored. */
    private static void assertMirrors(PairProcesses pair, long lba) throws IOException {
        double before = PairProcesses.metric(pair.secondary(),
                "twinblock_mirror_received_writes_total{path=\"small\"}").orElse(0.0);
        byte[] data = PairClient.pattern(lba, 42, 8192);
        try (PairClient host = PairClient.login(pair.primary(), "iqn.2026-01.net.twinblock.it:still-works")) {
            host.write(lba, data, true);
        }
        assertEquals(before + 1, PairProcesses.metric(pair.secondary(),
                "twinblock_mirror_received_writes_total{path=\"small\"}").orElse(0.0));
        try (PairClient viaSecondary = PairClient.login(pair.secondary(), "iqn.2026-01.net.twinblock.it:reader")) {
            assertArrayEquals(data, viaSecondary.read(lba, data.length));
        }
    }
}
