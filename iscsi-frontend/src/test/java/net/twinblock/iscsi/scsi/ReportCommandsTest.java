package net.twinblock.iscsi.scsi;

import static net.twinblock.iscsi.scsi.ScsiHarness.cdb;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import net.twinblock.iscsi.lun.AluaState;
import net.twinblock.iscsi.lun.PortGroup;
import org.junit.jupiter.api.Test;

/** REPORT LUNS, REPORT SUPPORTED OPERATION CODES, REPORT TARGET PORT GROUPS. */
class ReportCommandsTest {

    private static byte[] reportLuns(int select, int alloc) {
        return cdb(0xa0, 0, select, 0, 0, 0, alloc >>> 24, alloc >>> 16 & 0xff, alloc >>> 8 & 0xff, alloc & 0xff, 0, 0);
    }

    private static byte[] opcodes(int options, int opcode, int sa, int alloc) {
        return cdb(0xa3, 0x0c, options, opcode, sa >>> 8, sa & 0xff, alloc >>> 24, alloc >>> 16 & 0xff,
                alloc >>> 8 & 0xff, alloc & 0xff, 0, 0);
    }

    @Test
    void reportLunsListsLunZero() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            byte[] d = h.run(reportLuns(0, 1024), 1024).assertGood().data();
            assertEquals(16, d.length);
            assertEquals(8, Cdb.u32(d, 0));
            assertArrayEquals(new byte[8], Arrays.copyOfRange(d, 8, 16));
            assertEquals(8, h.run(reportLuns(1, 1024), 1024).assertGood().data().length, "no well-known LUs");
            assertEquals(16, h.run(reportLuns(2, 1024), 1024).assertGood().data().length);
            h.run(reportLuns(3, 1024), 1024).assertInvalidField(2);
            h.run(reportLuns(0, 15), 15).assertInvalidField(6);
            // works on a LUN that does not exist, and is not blocked by a unit attention
            h.dispatcher.nexusAdded(ScsiHarness.NEXUS);
            h.run(7, reportLuns(0, 16), 16, true, false, null).assertGood();
            h.run(0, reportLuns(0, 16), 16, true, false, null).assertGood();
        }
    }

    @Test
    void lunEncodingAbove255UsesFlatAddressing() {
        byte[] out = new byte[8];
        ReportLunsHandler.encodeLun(300, out, 0);
        assertEquals(0x41, out[0] & 0xff);
        assertEquals(300 & 0xff, out[1] & 0xff);
    }

    @Test
    void allCommandsListsEveryOpCodeOnceWithServiceActionFlags() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            byte[] d = h.run(opcodes(0, 0, 0, 65536), 65536).assertGood().data();
            int len = (int) Cdb.u32(d, 0);
            assertEquals(d.length - 4, len);
            assertEquals(ScsiOpcode.values().length * 8, len);
            Set<Integer> seen = new HashSet<>();
            for (int p = 4; p < d.length; p += 8) {
                int op = d[p] & 0xff;
                boolean servactv = (d[p + 5] & 1) != 0;
                int sa = Cdb.u16(d, p + 2);
                ScsiOpcode known = ScsiOpcode.of(op, servactv ? sa : -1);
                assertEquals(known.cdbLength(), Cdb.u16(d, p + 6), "CDB length of " + known);
                assertTrue(seen.add(op << 8 | sa), "listed twice: " + known);
            }
            byte[] withTimeouts = h.run(opcodes(0x80, 0, 0, 65536), 65536).assertGood().data();
            assertEquals(ScsiOpcode.values().length * 20, Cdb.u32(withTimeouts, 0));
            assertEquals(0x02, withTimeouts[4 + 5] & 0x02, "CTDP");
            assertEquals(0x0a, Cdb.u16(withTimeouts, 12), "timeouts descriptor length");
        }
    }

    @Test
    void oneCommandGivesTheCdbUsageBitmap() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            byte[] ws16 = h.run(opcodes(1, 0x93, 0, 512), 512).assertGood().data();
            assertEquals(3, ws16[1] & 0x07, "supported per standard");
            assertEquals(16, Cdb.u16(ws16, 2));
            assertEquals(0x93, ws16[4] & 0xff);
            assertEquals(0x08, ws16[5] & 0x08, "UNMAP bit is used");
            assertEquals(20, ws16.length);

            byte[] rc16 = h.run(opcodes(2, 0x9e, 0x10, 512), 512).assertGood().data();
            assertEquals(3, rc16[1] & 0x07);
            assertEquals(16, Cdb.u16(rc16, 2));

            byte[] inq = h.run(opcodes(0x81, 0x12, 0, 512), 512).assertGood().data();
            assertEquals(0x80, inq[1] & 0x80, "CTDP");
            assertEquals(4 + 6 + 12, inq.length);

            byte[] missing = h.run(opcodes(1, 0xc1, 0, 512), 512).assertGood().data();
            assertEquals(1, missing[1] & 0x07, "not supported");
            assertEquals(4, missing.length);
            // Service actions are 16 bits in this CDB; none of ours is past five bits.
            byte[] wideAction = h.run(opcodes(2, 0x9e, 0x1210, 512), 512).assertGood().data();
            assertEquals(1, wideAction[1] & 0x07, "not supported");

            h.run(opcodes(1, 0x9e, 0, 512), 512).assertInvalidField(2);  // has service actions
            h.run(opcodes(2, 0x28, 0, 512), 512).assertInvalidField(2);  // has none
            h.run(opcodes(5, 0x28, 0, 512), 512).assertInvalidField(2);  // no such reporting option
            byte[] either = h.run(opcodes(3, 0xa3, 0x0a, 512), 512).assertGood().data();
            assertEquals(3, either[1] & 0x07);
        }
    }

    @Test
    void unknownOpcodeAndServiceAction() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            h.run(cdb(0x9c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0) // WRITE ATOMIC (16): not implemented
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_COMMAND_OPERATION_CODE);
            h.run(cdb(0x9e, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0), 32).assertInvalidField(1);
            h.run(3, cdb(0x00, 0, 0, 0, 0, 0), 0, false, false, null)
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.LOGICAL_UNIT_NOT_SUPPORTED);
        }
    }

    @Test
    void targetPortGroupsReportThisNodeAndThePeer() {
        PortGroup peer = ScsiHarness.peerGroup();
        try (ScsiHarness h = new ScsiHarness(512, 64, true, peer)) {
            byte[] c = cdb(0xa3, 0x0a, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0);
            byte[] d = h.run(c, 1024).assertGood().data();
            assertEquals(4 + 24, d.length);
            assertEquals(24, Cdb.u32(d, 0));
            assertEquals(AluaState.ACTIVE_OPTIMIZED.code(), d[4] & 0x0f);
            assertEquals(1, Cdb.u16(d, 6));
            assertEquals(1, d[11]);
            assertEquals(1, Cdb.u16(d, 14));
            assertEquals(AluaState.ACTIVE_NON_OPTIMIZED.code(), d[16] & 0x0f);
            assertEquals(2, Cdb.u16(d, 18));
            assertEquals(2, Cdb.u16(d, 26));

            h.state = AluaState.STANDBY; // read live, and still answered in standby
            byte[] ext = h.run(cdb(0xa3, 0x2a, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0), 1024).assertGood().data();
            assertEquals(0x10, ext[4]);
            assertEquals(AluaState.STANDBY.code(), ext[8] & 0x0f);
        }
    }
}
