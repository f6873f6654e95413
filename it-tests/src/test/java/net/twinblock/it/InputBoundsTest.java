package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.twinblock.it.client.IscsiConnection;
import net.twinblock.it.client.RawPdu;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What one connection can make the node hold (issue 11): a write's data is asked for only
 * after its CDB is judged and only as much as the CDB uses; a Text Request is gathered up to
 * 64 KiB; bad text is rejected without ending the session.
 */
class InputBoundsTest {

    private static final int BLOCK = 512;
    private static final int MIB = 1024 * 1024;
    private static final int WRITE = 0x20;
    private static final int CONTINUE = 0x40;
    private static final String NETTY_DIRECT = "twinblock_direct_memory_used_bytes{pool=\"netty\"}";

    private static NodeProcess node;

    @BeforeAll
    static void startNode() {
        node = NodeProcess.start();
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.assertNoLeaks();
            node.close();
        }
    }

    @Test
    void aWriteAboveTheMaximumTransferLengthIsRefusedBeforeAnyDataIsTaken() throws IOException {
        try (IscsiConnection c = loggedIn("oversized-edtl")) {
            long directBefore = NodeMetrics.value(node, NETTY_DIRECT);
            // 16385 blocks: one more than Block Limits' 8 MiB maximum; the EDTL says 96 MiB.
            c.send(c.scsiCommand(0, write10(0, 16385), RawPdu.FINAL | WRITE, 96 * MIB, new byte[0]));
            RawPdu answer = c.receive();
            assertEquals(RawPdu.SCSI_RESPONSE, answer.opcode(), () -> "expected refusal before any R2T, got " + answer);
            assertEquals(0x02, answer.byteAt(3), "CHECK CONDITION");
            byte[] sense = answer.data(); // SenseLength, then fixed-format sense
            assertEquals(0x05, sense[2 + 2] & 0x0f, "ILLEGAL REQUEST");
            assertEquals(0x24, sense[2 + 12] & 0xff, "INVALID FIELD IN CDB");
            long directAfter = NodeMetrics.value(node, NETTY_DIRECT);
            assertTrue(directAfter - directBefore < 8L * MIB,
                    () -> "direct memory grew from " + directBefore + " to " + directAfter);
            c.ping();
        }
    }

    @Test
    void aWriteOutOfRangeIsRefusedBeforeAnyDataIsTaken() throws IOException {
        try (IscsiConnection c = loggedIn("out-of-range")) {
            long blocks = c.readCapacity16(0)[0] + 1;
            c.send(c.scsiCommand(0, write10(blocks, 1), RawPdu.FINAL | WRITE, 32 * MIB, new byte[0]));
            RawPdu answer = c.receive();
            assertEquals(RawPdu.SCSI_RESPONSE, answer.opcode(), () -> "expected refusal before any R2T, got " + answer);
            assertEquals(0x21, answer.data()[2 + 12] & 0xff, "LOGICAL BLOCK ADDRESS OUT OF RANGE");
        }
    }

    @Test
    void oneBlockWithAHugeExpectedLengthTakesOneBlockAndReportsTheUnderflow() throws IOException {
        try (IscsiConnection c = loggedIn("huge-edtl")) {
            byte[] block = LifecycleTest.pattern(40, 1, BLOCK);
            RawPdu cmd = c.scsiCommand(0, write10(40, 1), RawPdu.FINAL | WRITE, 32 * MIB, new byte[0]);
            c.send(cmd);
            RawPdu r2t = c.receive();
            assertEquals(RawPdu.R2T, r2t.opcode(), () -> "got " + r2t);
            assertEquals(BLOCK, r2t.intAt(44), "the R2T asks for the one block the CDB writes, not 32 MiB");
            RawPdu data = RawPdu.of(RawPdu.DATA_OUT, block).flags(RawPdu.FINAL).lun(0).itt(cmd.itt());
            data.intAt(20, r2t.ttt()).intAt(40, 0);
            c.send(data);
            RawPdu rsp = c.receive();
            assertEquals(RawPdu.SCSI_RESPONSE, rsp.opcode(), () -> "got " + rsp);
            assertEquals(0, rsp.byteAt(3), "GOOD");
            assertTrue((rsp.flags() & 0x02) != 0, "residual underflow");
            assertEquals(32 * MIB - BLOCK, rsp.intAt(44));
            assertArrayEquals(block, c.read16(0, 40, 1, BLOCK).data());
        }
    }

    @Test
    void aTextRequestContinuedPast64KiBIsRejectedAndTheSessionLives() throws IOException {
        try (IscsiConnection c = loggedIn("text-flood")) {
            byte[] piece = new byte[8192];
            Arrays.fill(piece, (byte) 'a');
            piece[0] = 'X';
            piece[1] = '-';
            piece[2] = '=';
            int itt = c.newItt();
            int ttt = RawPdu.RESERVED_TAG;
            for (int pieces = 1; pieces <= 64; pieces++) {
                RawPdu answer = c.exchange(c.textRequest(CONTINUE, itt, ttt, piece));
                if (answer.opcode() == RawPdu.REJECT) {
                    assertEquals(9, pieces, "rejected once the request passed 64 KiB");
                    c.ping();
                    return;
                }
                assertEquals(RawPdu.TEXT_RESPONSE, answer.opcode(), () -> "got " + answer);
                ttt = answer.ttt();
            }
            throw new AssertionError("512 KiB of one Text Request gathered without a Reject");
        }
    }

    @Test
    void aMalformedTextRequestIsRejectedAndTheSessionLives() throws IOException {
        try (IscsiConnection c = loggedIn("bad-text")) {
            byte[] notText = "SendTargets\0".getBytes(StandardCharsets.US_ASCII); // no '='
            RawPdu answer = c.exchange(c.textRequest(RawPdu.FINAL, c.newItt(), RawPdu.RESERVED_TAG, notText));
            assertNotNull(answer);
            assertEquals(RawPdu.REJECT, answer.opcode(), () -> "got " + answer);
            c.ping();
            c.awaitUnitReady(0);
        }
    }

    private static IscsiConnection loggedIn(String name) throws IOException {
        IscsiConnection c = IscsiConnection.login(node.iscsiPort(), "iqn.2026-01.net.twinblock.it:" + name, node.iqn());
        c.awaitUnitReady(0);
        return c;
    }

    private static byte[] write10(long lba, int blocks) {
        return new byte[] {0x2a, 0, (byte) (lba >>> 24), (byte) (lba >>> 16), (byte) (lba >>> 8), (byte) lba, 0,
            (byte) (blocks >>> 8), (byte) blocks, 0};
    }
}
