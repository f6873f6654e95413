package net.twinblock.iscsi.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;
import org.junit.jupiter.api.Test;

/** SCSI commands through a real connection: CmdSN ordering, writes with R2T, reads with Data-In. */
class CommandFlowTest extends TargetHarness {

    private static final int R = Bhs.ScsiCommand.FLAG_READ;
    private static final int W = Bhs.ScsiCommand.FLAG_WRITE;
    private static final int F = Bhs.FLAG_FINAL;
    private static final byte[] TUR = new byte[6];
    /** Long enough to be sure a held-back PDU is not merely slow on loopback. */
    private static final Duration QUIET = Duration.ofMillis(300);

    @Test
    void aCommandIsAnsweredWithNumberedStatusAndTheNexusIsAnnounced() {
        TestInitiator i = session();
        int firstStatSn = i.expStatSn;
        int cmdSn = i.cmdSn;
        int itt = i.newItt();
        i.send(i.command(itt, TUR, 0, F, null));
        Pdu resp = i.receive();
        try {
            assertEquals(IscsiOpcode.SCSI_RESPONSE, resp.opcode());
            assertEquals(0, resp.u8(Bhs.ScsiResponse.STATUS), "GOOD");
            assertEquals(0, resp.u8(Bhs.ScsiResponse.RESPONSE), "command completed at target");
            assertEquals(firstStatSn, resp.u32(Bhs.ScsiResponse.STAT_SN), "StatSN continues from the login");
            assertEquals(cmdSn + 1, resp.u32(Bhs.ScsiResponse.EXP_CMD_SN), "ExpCmdSN moved past our command");
            assertEquals(cmdSn + 128, resp.u32(Bhs.ScsiResponse.MAX_CMD_SN), "a window of 128 commands");
        } finally {
            resp.release();
        }
        assertEquals(List.of("added iqn.2026-11.test:host1,i,0x400001000001"), disk.events);
    }

    @Test
    void writeGathersImmediateUnsolicitedAndSolicitedDataInOrder() {
        TestInitiator i = session();
        byte[] data = pattern(16 * 512, 7);
        int itt = i.newItt();
        // FirstBurstLength 2048: 1024 bytes immediate, 1024 unsolicited, then R2Ts of at most
        // MaxBurstLength 4096, one at a time (MaxOutstandingR2T=1).
        i.send(i.command(itt, TestInitiator.write10(10, 16), data.length, W, slice(data, 0, 1024)));
        i.send(i.dataOut(itt, Pdu.RESERVED_TAG, 0, 1024, slice(data, 1024, 1024), true));

        Pdu r2t = i.receive();
        int ttt;
        try {
            assertEquals(IscsiOpcode.R2T, r2t.opcode());
            assertEquals(itt, r2t.itt());
            assertEquals(0, r2t.u32(Bhs.R2t.R2T_SN));
            assertEquals(2048, r2t.u32(Bhs.R2t.BUFFER_OFFSET));
            assertEquals(4096, r2t.u32(Bhs.R2t.DESIRED_DATA_TRANSFER_LENGTH));
            ttt = r2t.u32(Bhs.R2t.TTT);
        } finally {
            r2t.release();
        }
        for (int n = 0; n < 4; n++) {
            int offset = 2048 + n * 1024;
            i.send(i.dataOut(itt, ttt, n, offset, slice(data, offset, 1024), n == 3));
        }
        Pdu second = i.receive();
        int ttt2;
        try {
            assertEquals(IscsiOpcode.R2T, second.opcode());
            assertEquals(1, second.u32(Bhs.R2t.R2T_SN));
            assertEquals(6144, second.u32(Bhs.R2t.BUFFER_OFFSET));
            assertEquals(2048, second.u32(Bhs.R2t.DESIRED_DATA_TRANSFER_LENGTH));
            ttt2 = second.u32(Bhs.R2t.TTT);
        } finally {
            second.release();
        }
        assertTrue(ttt2 != ttt, "every R2T gets its own transfer tag");
        i.send(i.dataOut(itt, ttt2, 0, 6144, slice(data, 6144, 1024), false));
        i.send(i.dataOut(itt, ttt2, 1, 7168, slice(data, 7168, 1024), true));

        Pdu resp = i.receive();
        try {
            assertEquals(IscsiOpcode.SCSI_RESPONSE, resp.opcode());
            assertEquals(0, resp.u8(Bhs.ScsiResponse.STATUS));
            assertEquals(2, resp.u32(Bhs.ScsiResponse.EXP_DATA_SN), "ExpDataSN counts the R2Ts of a write");
        } finally {
            resp.release();
        }
        assertArrayEquals(data, disk.blocks(10, 16));
    }

    @Test
    void readComesAsDataInSegmentsWithStatusInTheLast() {
        TestInitiator i = session();
        byte[] data = pattern(12 * 512, 3);
        System.arraycopy(data, 0, disk.disk, 20 * 512, data.length);
        int itt = i.newItt();
        i.send(i.command(itt, TestInitiator.read10(20, 12), data.length, R | F, null));

        ByteArrayOutputStream got = new ByteArrayOutputStream();
        // The initiator's MaxRecvDataSegmentLength is 1024, MaxBurstLength 4096.
        for (int n = 0; n < 6; n++) {
            Pdu in = i.receive();
            try {
                assertEquals(IscsiOpcode.SCSI_DATA_IN, in.opcode(), "PDU " + n);
                assertEquals(itt, in.itt());
                assertEquals(n, in.u32(Bhs.DataIn.DATA_SN));
                assertEquals(n * 1024, in.u32(Bhs.DataIn.BUFFER_OFFSET));
                assertEquals(1024, in.data().readableBytes());
                boolean endOfBurst = n == 3 || n == 5;
                assertEquals(endOfBurst, in.finalBit(), "F closes each 4096-byte sequence, PDU " + n);
                boolean last = n == 5;
                assertEquals(last, (in.flags() & Bhs.DataIn.FLAG_STATUS) != 0, "S only on the last, PDU " + n);
                if (last) {
                    assertEquals(0, in.u8(Bhs.DataIn.STATUS));
                    assertEquals(0, in.flags() & (Bhs.DataIn.FLAG_OVERFLOW | Bhs.DataIn.FLAG_UNDERFLOW));
                }
                got.writeBytes(bytes(in));
            } finally {
                in.release();
            }
        }
        assertArrayEquals(data, got.toByteArray());
        assertNull(i.poll(QUIET), "phase collapse: no separate SCSI Response");
    }

    @Test
    void residualsAreReportedBothWays() {
        TestInitiator i = session();
        int under = i.newItt();
        i.send(i.command(under, TestInitiator.read10(0, 1), 1024, R | F, null));
        Pdu in = i.receive();
        try {
            assertEquals(IscsiOpcode.SCSI_DATA_IN, in.opcode());
            assertEquals(512, in.data().readableBytes());
            assertEquals(Bhs.DataIn.FLAG_UNDERFLOW, in.flags() & (Bhs.DataIn.FLAG_UNDERFLOW | Bhs.DataIn.FLAG_OVERFLOW));
            assertEquals(512, in.u32(Bhs.DataIn.RESIDUAL_COUNT));
        } finally {
            in.release();
        }
        int over = i.newItt();
        i.send(i.command(over, TestInitiator.read10(0, 2), 512, R | F, null));
        in = i.receive();
        try {
            assertEquals(512, in.data().readableBytes(), "never more than the EDTL");
            assertEquals(Bhs.DataIn.FLAG_OVERFLOW, in.flags() & (Bhs.DataIn.FLAG_UNDERFLOW | Bhs.DataIn.FLAG_OVERFLOW));
            assertEquals(512, in.u32(Bhs.DataIn.RESIDUAL_COUNT));
        } finally {
            in.release();
        }
    }

    @Test
    void commandsRunInCmdSnOrderEvenWhenTheyArriveOutOfOrder() {
        TestInitiator i = session();
        int ittA = i.newItt();
        Pdu a = i.command(ittA, TUR, 0, F, null);
        int ittB = i.newItt();
        Pdu b = i.command(ittB, TestInitiator.read10(0, 1), 512, R | F, null);
        i.send(b);
        assertNull(i.poll(QUIET), "CmdSN n+1 waits for n");
        assertTrue(disk.executed.isEmpty());
        i.send(a);
        assertEquals(0, status(i, ittA));
        expect(i, IscsiOpcode.SCSI_DATA_IN);
        assertEquals(List.of(0x00, 0x28), disk.executed);
    }

    @Test
    void commandsOutsideTheWindowAreIgnoredSilently() {
        TestInitiator i = session();
        int good = i.cmdSn;
        i.cmdSn = good + 128; // MaxCmdSN + 1
        i.send(i.command(i.newItt(), TUR, 0, F, null));
        i.cmdSn = good - 1; // already used
        i.send(i.command(i.newItt(), TUR, 0, F, null));
        assertNull(i.poll(QUIET), "no answer for a CmdSN outside [ExpCmdSN, MaxCmdSN]");
        i.cmdSn = good;
        int itt = i.newItt();
        i.send(i.command(itt, TUR, 0, F, null));
        assertEquals(0, status(i, itt), "the session goes on");
        assertEquals(List.of(0x00), disk.executed);
    }

    @Test
    void immediateCommandsRunAtOnceAndDoNotUseUpACmdSn() {
        TestInitiator i = session();
        int exp = i.cmdSn;
        i.cmdSn = exp + 1;
        int held = i.newItt();
        i.send(i.command(held, TUR, 0, F, null)); // waits for CmdSN exp
        int itt = i.newItt();
        i.cmdSn = exp;
        Pdu imm = i.command(itt, TUR, 0, F, null);
        imm.setImmediate(true);
        i.send(imm);
        Pdu resp = i.receive();
        try {
            assertEquals(itt, resp.itt(), "the immediate command overtakes the held one");
            assertEquals(exp, resp.u32(Bhs.ScsiResponse.EXP_CMD_SN), "ExpCmdSN did not move");
        } finally {
            resp.release();
        }
        i.cmdSn = exp;
        int fill = i.newItt();
        i.send(i.command(fill, TUR, 0, F, null));
        Pdu first = i.receive();
        Pdu second = i.receive();
        try {
            assertEquals(List.of(fill, held), List.of(first.itt(), second.itt()));
        } finally {
            first.release();
            second.release();
        }
        await().until(() -> disk.completed.get() == 3);
    }

    private static byte[] slice(byte[] data, int offset, int length) {
        return java.util.Arrays.copyOfRange(data, offset, offset + length);
    }
}
