package net.twinblock.iscsi.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;
import org.junit.jupiter.api.Test;

/** Task attributes, shutdown drain, and digests switched on at the end of login. */
class OrderingAndDrainTest extends TargetHarness {

    private static final int F = Bhs.FLAG_FINAL;
    private static final int SIMPLE = 1;
    private static final int ORDERED = 2;
    private static final int HEAD_OF_QUEUE = 3;
    private static final byte[] TUR = new byte[6];
    private static final Duration QUIET = Duration.ofMillis(300);

    @Test
    void orderedWaitsForEarlierTasksAndHeadOfQueueDoesNot() {
        TestInitiator i = session();
        disk.hold();
        i.send(withAttribute(i, i.newItt(), SIMPLE));
        await().until(() -> disk.executed.size() == 1);
        i.send(withAttribute(i, i.newItt(), ORDERED));
        i.send(withAttribute(i, i.newItt(), SIMPLE));
        i.send(withAttribute(i, i.newItt(), HEAD_OF_QUEUE));
        await().until(() -> disk.executed.size() == 2); // the HEAD OF QUEUE one
        assertNull(i.poll(QUIET));
        assertEquals(2, disk.executed.size(), "ORDERED and the SIMPLE after it wait for the first task");
        disk.open();
        await().until(() -> disk.completed.get() == 4);
        for (int n = 0; n < 4; n++) {
            expect(i, IscsiOpcode.SCSI_RESPONSE);
        }
    }

    @Test
    void drainLetsCommandsInFlightFinishAndTakesNoNewOnes() {
        TestInitiator i = session();
        disk.hold();
        int inFlight = i.newItt();
        i.send(i.command(inFlight, TUR, 0, F, null));
        await().until(() -> disk.executed.size() == 1);
        CompletableFuture<Void> drained = target.drain(Duration.ofSeconds(10));
        // A command after the drain began is not taken (the initiator retries it elsewhere).
        i.send(i.command(i.newItt(), TUR, 0, F, null));
        assertNull(i.poll(QUIET));
        assertFalse(drained.isDone(), "a command is still in storage");
        disk.open();
        assertEquals(0, status(i, inFlight));
        await().until(drained::isDone);
        assertEquals(1, disk.executed.size(), "nothing new ran while draining");
    }

    @Test
    void digestsApplyFromTheFirstPduAfterTheLoginResponse() {
        TestInitiator i = connect();
        Map<String, String> keys = new java.util.LinkedHashMap<>(TestInitiator.normalKeys("iqn.2026-11.test:crc"));
        keys.put("HeaderDigest", "CRC32C");
        keys.put("DataDigest", "CRC32C");
        Pdu resp = i.login(0x400001000003L, 0, keys);
        try {
            assertEquals(0, resp.u8(Bhs.Login.STATUS_CLASS));
            String answer = new String(bytes(resp), java.nio.charset.StandardCharsets.UTF_8);
            org.junit.jupiter.api.Assertions.assertTrue(answer.contains("HeaderDigest=CRC32C"), answer);
        } finally {
            resp.release();
        }
        i.enableDigests(true, true);
        byte[] data = pattern(1024, 9);
        int w = i.newItt();
        i.send(i.command(w, TestInitiator.write10(3, 2), data.length, Bhs.ScsiCommand.FLAG_WRITE | F, data));
        assertEquals(0, status(i, w));
        int r = i.newItt();
        i.send(i.command(r, TestInitiator.read10(3, 2), data.length, Bhs.ScsiCommand.FLAG_READ | F, null));
        Pdu in = i.receive();
        try {
            assertEquals(IscsiOpcode.SCSI_DATA_IN, in.opcode());
            assertArrayEquals(data, bytes(in));
        } finally {
            in.release();
        }
        assertEquals(List.of(0x2a, 0x28), disk.executed);
    }

    private static Pdu withAttribute(TestInitiator i, int itt, int attribute) {
        Pdu pdu = i.command(itt, TUR, 0, F, null);
        pdu.setFlags(F | attribute);
        return pdu;
    }
}
