package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import net.twinblock.it.client.IscsiConnection;
import net.twinblock.it.client.RawPdu;
import net.twinblock.it.client.ScsiResult;
import net.twinblock.it.client.TextKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed and malicious connections, each next to a well-behaved client that keeps writing and
 * verifying data the whole time. Every bad connection must get a Reject (or a failed login) or be
 * closed; none may crash, hang or slow down the node for the good client, and nothing may leak.
 */
class HostileClientTest {
    private static final int BLOCK = 512;
    /** How long a bad connection may wait for the node's verdict; the node should answer at once. */
    private static final int VERDICT_TIMEOUT_MILLIS = 15_000;
    private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(30);

    private static NodeProcess node;
    private static Thread goodClient;
    private static final AtomicLong verifiedRoundTrips = new AtomicLong();
    private static final AtomicReference<Throwable> goodClientError = new AtomicReference<>();
    private static final AtomicBoolean stop = new AtomicBoolean();

    @BeforeAll
    static void startNodeAndGoodClient() {
        node = NodeProcess.start();
        goodClient = new Thread(HostileClientTest::writeAndVerifyUntilStopped, "good-client");
        goodClient.setDaemon(true);
        goodClient.start();
        await("good client running").atMost(PROGRESS_TIMEOUT)
                .until(() -> verifiedRoundTrips.get() > 10 || goodClientError.get() != null);
        assertNull(goodClientError.get(), "good client failed before any hostile connection");
    }

    /** Write a block, read it back, compare: over and over, until told to stop. */
    private static void writeAndVerifyUntilStopped() {
        try (IscsiConnection c = IscsiConnection.login(node.iscsiPort(), "iqn.2026-01.net.twinblock.it:good",
                node.iqn())) {
            c.awaitUnitReady(0);
            for (long i = 0; !stop.get(); i++) {
                long lba = (i * 8) % 100_000;
                byte[] data = LifecycleTest.pattern(lba, i, 8 * BLOCK);
                ScsiResult w = c.write16(0, lba, data, BLOCK, false);
                assertTrue(w.good(), () -> "write: " + w);
                ScsiResult r = c.read16(0, lba, 8, BLOCK);
                assertTrue(r.good(), () -> "read: " + r);
                assertArrayEquals(data, r.data(), "read back other data at LBA " + lba);
                verifiedRoundTrips.incrementAndGet();
            }
            c.logout();
        } catch (Throwable t) {
            goodClientError.set(t);
        }
    }

    @AfterEach
    void goodClientKeptWorking() {
        long before = verifiedRoundTrips.get();
        await("good client keeps working").atMost(PROGRESS_TIMEOUT)
                .until(() -> verifiedRoundTrips.get() >= before + 20 || goodClientError.get() != null);
        assertNull(goodClientError.get(), "the good client failed next to a hostile one");
        assertTrue(node.isAlive(), "node died");
    }

    @AfterAll
    static void nodeStillAnswersAndDidNotLeak() throws InterruptedException {
        stop.set(true);
        if (goodClient != null) {
            goodClient.join(PROGRESS_TIMEOUT.toMillis());
        }
        try {
            assertNull(goodClientError.get(), "good client failed");
            ToolResult inq = ToolResult.ok(Duration.ofSeconds(30), "iscsi-inq", node.url(0));
            assertTrue(inq.stdout().contains("DIRECT_ACCESS"), inq::describe);
        } finally {
            node.close();
        }
    }

    @Test
    void randomGarbageBeforeLogin() throws IOException {
        try (IscsiConnection c = hostile()) {
            byte[] garbage = new byte[256 * 1024];
            new Random(7143).nextBytes(garbage);
            // Not a Login Request header by accident: that would be a different test.
            garbage[0] = (byte) 0x1b;
            sendIgnoringClose(c, garbage);
            expectRefused(c, "random garbage before login");
        }
    }

    @Test
    void randomGarbageAfterLogin() throws IOException {
        try (IscsiConnection c = loggedIn("garbage")) {
            byte[] garbage = new byte[256 * 1024];
            new Random(3720).nextBytes(garbage);
            garbage[0] = (byte) 0x1b;
            sendIgnoringClose(c, garbage);
            expectRefused(c, "random garbage after login");
        }
    }

    @Test
    void truncatedHeaderThenClose() throws IOException {
        try (IscsiConnection c = hostile()) {
            byte[] login = c.loginRequest(TextKeys.encode(
                    IscsiConnection.normalSessionKeys("iqn.2026-01.net.twinblock.it:trunc", node.iqn())), 1, 3, true)
                    .toBytes();
            c.sendRaw(Arrays.copyOf(login, 20));
            c.socket().shutdownOutput();
            // Half a header and then end of stream: the node must give up on this connection.
            assertNull(c.receiveOrClosed(), "node answered half a header instead of closing");
        }
    }

    @Test
    void oversizedDataSegmentBeforeLoginIsRefusedWithoutReadingIt() throws IOException {
        try (IscsiConnection c = hostile()) {
            RawPdu login = c.loginRequest(new byte[0], 1, 3, true).dataSegmentLength(0xffffff);
            c.sendRaw(login.bhs());
            c.sendRaw(new byte[4096]);
            // We never send the 16 MiB: the node must decide from the header alone.
            expectRefused(c, "Login Request declaring a 16 MiB data segment");
        }
    }

    @Test
    void oversizedDataSegmentAfterLoginIsRefusedWithoutReadingIt() throws IOException {
        try (IscsiConnection c = loggedIn("oversized")) {
            RawPdu cmd = scsiWrite10Header(1, 8).dataSegmentLength(0xffffff);
            c.sendRaw(cmd.bhs());
            c.sendRaw(new byte[4096]);
            expectRefused(c, "SCSI Command declaring a 16 MiB data segment");
        }
    }

    @Test
    void scsiCommandBeforeLogin() throws IOException {
        try (IscsiConnection c = hostile()) {
            byte[] inquiry = {0x12, 0, 0, 0, 36, 0};
            RawPdu cmd = RawPdu.of(RawPdu.SCSI_COMMAND, new byte[0]).flags(0xc1).lun(0).itt(1).intAt(20, 36)
                    .intAt(24, 1);
            System.arraycopy(inquiry, 0, cmd.bhs(), 32, inquiry.length);
            c.send(cmd);
            expectRefused(c, "SCSI Command before login");
        }
    }

    @Test
    void unknownOpcodeAfterLoginGetsARejectAndTheSessionGoesOn() throws IOException {
        try (IscsiConnection c = loggedIn("unknown-opcode")) {
            // 0x0e is not an iSCSI opcode (RFC 7143 §11.2.1.2).
            RawPdu unknown = RawPdu.of(RawPdu.IMMEDIATE | 0x0e, new byte[0]).flags(0x80).itt(0x4242);
            c.send(unknown);
            RawPdu answer = c.receiveOrClosed();
            assertNotNull(answer, "node closed the connection instead of rejecting one unknown opcode");
            assertEquals(RawPdu.REJECT, answer.opcode(), () -> "expected Reject, got " + answer);
            // The Reject carries the offending header so the initiator knows which PDU it was.
            assertTrue(answer.data().length >= RawPdu.BHS_LENGTH, "Reject without the rejected header");
            assertArrayEquals(unknown.bhs(), Arrays.copyOf(answer.data(), RawPdu.BHS_LENGTH));
            // One bad PDU does not cost the initiator its session.
            c.awaitUnitReady(0);
        }
    }

    @Test
    void targetOnlyOpcodeFromTheInitiator() throws IOException {
        try (IscsiConnection c = loggedIn("target-opcode")) {
            // A SCSI Response (0x21) is only ever sent by a target.
            RawPdu response = RawPdu.of(RawPdu.SCSI_RESPONSE, new byte[0]).flags(0x80).itt(7);
            c.send(response);
            expectRefused(c, "SCSI Response sent by the initiator");
        }
    }

    @Test
    void targetOnlyOpcodeBeforeLogin() throws IOException {
        try (IscsiConnection c = hostile()) {
            c.send(RawPdu.of(RawPdu.LOGIN_RESPONSE, new byte[0]).flags(0x87).itt(1));
            expectRefused(c, "Login Response sent by the initiator");
        }
    }

    @Test
    void loginWithGarbageKeysFails() throws IOException {
        try (IscsiConnection c = hostile()) {
            ByteArrayOutputStream keys = new ByteArrayOutputStream();
            keys.writeBytes(TextKeys.encode(
                    IscsiConnection.normalSessionKeys("iqn.2026-01.net.twinblock.it:keys", node.iqn())));
            keys.writeBytes("this is not a key\0".getBytes(StandardCharsets.US_ASCII));
            keys.writeBytes("=no-name\0".getBytes(StandardCharsets.US_ASCII));
            byte[] binary = new byte[300];
            new Random(1).nextBytes(binary);
            keys.writeBytes(binary);
            keys.write(0);
            RawPdu login = c.loginRequest(keys.toByteArray(), 1, 3, true);
            c.send(login);
            expectRefused(c, "Login Request with malformed text keys");
        }
    }

    @Test
    void halfAHeaderThenSilenceDoesNotStallOthers() throws IOException {
        try (IscsiConnection silentBeforeLogin = hostile(); IscsiConnection silentAfterLogin = loggedIn("silent")) {
            byte[] login = silentBeforeLogin.loginRequest(new byte[0], 1, 3, true).toBytes();
            silentBeforeLogin.sendRaw(Arrays.copyOf(login, 30));
            silentAfterLogin.sendRaw(Arrays.copyOf(scsiWrite10Header(1, 8).bhs(), 30));
            // While both connections sit on half a PDU, other clients are served as usual.
            long before = verifiedRoundTrips.get();
            await("good client progresses next to silent connections").atMost(PROGRESS_TIMEOUT)
                    .until(() -> verifiedRoundTrips.get() >= before + 100 || goodClientError.get() != null);
            ToolResult inq = ToolResult.ok(Duration.ofSeconds(30), "iscsi-inq", node.url(0));
            assertTrue(inq.stdout().contains("DIRECT_ACCESS"), inq::describe);
        }
    }

    /** A SCSI WRITE(10) header for LUN 0 with no data attached (ITT and CmdSN are arbitrary). */
    private static RawPdu scsiWrite10Header(long lba, int blocks) {
        RawPdu cmd = RawPdu.of(RawPdu.SCSI_COMMAND, new byte[0]).flags(0xa1).lun(0).itt(0x77).intAt(20,
                blocks * BLOCK);
        byte[] cdb = {0x2a, 0, (byte) (lba >>> 24), (byte) (lba >>> 16), (byte) (lba >>> 8), (byte) lba, 0, 0,
                (byte) blocks, 0};
        System.arraycopy(cdb, 0, cmd.bhs(), 32, cdb.length);
        return cmd;
    }

    private static IscsiConnection hostile() throws IOException {
        IscsiConnection c = IscsiConnection.connect(node.iscsiPort());
        c.socket().setSoTimeout(VERDICT_TIMEOUT_MILLIS);
        return c;
    }

    private static IscsiConnection loggedIn(String name) throws IOException {
        IscsiConnection c = IscsiConnection.login(node.iscsiPort(), "iqn.2026-01.net.twinblock.it:" + name,
                node.iqn());
        c.socket().setSoTimeout(VERDICT_TIMEOUT_MILLIS);
        return c;
    }

    /** The node may close while we are still sending: that is a verdict too. */
    private static void sendIgnoringClose(IscsiConnection c, byte[] bytes) {
        try {
            c.sendRaw(bytes);
        } catch (IOException closedUnderUs) {
            // checked by expectRefused
        }
    }

    /**
     * The node must answer a bad PDU with a Reject or a failed Login Response, or close the
     * connection, and do so promptly. Anything else (a successful answer, or silence) fails.
     */
    private static void expectRefused(IscsiConnection c, String what) {
        try {
            RawPdu answer = c.receiveOrClosed();
            if (answer == null) {
                return;
            }
            if (answer.opcode() == RawPdu.REJECT) {
                return;
            }
            if (answer.opcode() == RawPdu.LOGIN_RESPONSE && answer.byteAt(36) != 0) {
                return;
            }
            fail(what + ": expected Reject, failed login or close; got " + answer + " status class "
                    + answer.byteAt(36));
        } catch (SocketTimeoutException e) {
            fail(what + ": node neither refused nor closed within " + VERDICT_TIMEOUT_MILLIS + " ms");
        } catch (SocketException e) {
            // connection reset: closed
        } catch (IOException e) {
            // short read of a PDU: the node closed mid-answer
        }
    }
}
