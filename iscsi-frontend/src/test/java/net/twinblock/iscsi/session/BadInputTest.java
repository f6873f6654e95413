package net.twinblock.iscsi.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;
import net.twinblock.iscsi.pdu.RejectReason;
import org.junit.jupiter.api.Test;

/** What an initiator gets for PDUs it should not have sent: Rejects, failed commands, never a dead node. */
class BadInputTest extends TargetHarness {

    private static final int W = Bhs.ScsiCommand.FLAG_WRITE;
    private static final int F = Bhs.FLAG_FINAL;
    private static final int ASC_DATA_PHASE = 0x4b;

    @Test
    void aRepeatedDataSnEndsTheWriteWithoutTouchingTheDisk() {
        TestInitiator i = session();
        int itt = i.newItt();
        i.send(i.command(itt, TestInitiator.write10(5, 4), 2048, W, null)); // F=0: unsolicited data follows
        i.send(i.dataOut(itt, Pdu.RESERVED_TAG, 0, 0, pattern(1024, 1), false));
        i.send(i.dataOut(itt, Pdu.RESERVED_TAG, 0, 1024, pattern(1024, 2), true));
        expectReject(i, RejectReason.PROTOCOL_ERROR, IscsiOpcode.SCSI_DATA_OUT);
        expectDataPhaseError(i, itt, 0x00);
        assertArrayEquals(new byte[2048], disk.blocks(5, 4), "nothing of the broken write was written");
        stillServes(i);
    }

    @Test
    void aDataOutAtTheWrongOffsetEndsTheWrite() {
        TestInitiator i = session();
        int itt = i.newItt();
        i.send(i.command(itt, TestInitiator.write10(5, 2), 1024, W, null));
        i.send(i.dataOut(itt, Pdu.RESERVED_TAG, 0, 512, pattern(512, 1), true));
        expectReject(i, RejectReason.PROTOCOL_ERROR, IscsiOpcode.SCSI_DATA_OUT);
        expectDataPhaseError(i, itt, 0x05);
        stillServes(i);
    }

    @Test
    void dataBeyondTheExpectedLengthEndsTheWrite() {
        TestInitiator i = session();
        int itt = i.newItt();
        i.send(i.command(itt, TestInitiator.write10(5, 2), 1024, W, null));
        i.send(i.dataOut(itt, Pdu.RESERVED_TAG, 0, 0, pattern(2048, 1), true));
        expectReject(i, RejectReason.PROTOCOL_ERROR, IscsiOpcode.SCSI_DATA_OUT);
        expectDataPhaseError(i, itt, 0x02);
        stillServes(i);
    }

    @Test
    void dataOutForAnUnknownTaskOrTransferTagIsRejected() {
        TestInitiator i = session();
        i.send(i.dataOut(0x7777, Pdu.RESERVED_TAG, 0, 0, pattern(512, 1), true));
        expectReject(i, RejectReason.INVALID_PDU_FIELD, IscsiOpcode.SCSI_DATA_OUT);

        int itt = i.newItt();
        byte[] data = pattern(8192, 4);
        // InitialR2T=No but F=1: no unsolicited data, the target solicits all of it.
        i.send(i.command(itt, TestInitiator.write10(0, 16), data.length, W | F, null));
        Pdu r2t = i.receive();
        int ttt;
        try {
            assertEquals(IscsiOpcode.R2T, r2t.opcode());
            ttt = r2t.u32(Bhs.R2t.TTT);
        } finally {
            r2t.release();
        }
        i.send(i.dataOut(itt, ttt + 1000, 0, 0, Arrays.copyOf(data, 1024), false));
        expectReject(i, RejectReason.INVALID_PDU_FIELD, IscsiOpcode.SCSI_DATA_OUT);
        // The write itself is unharmed and completes with the right tag.
        for (int n = 0; n < 4; n++) {
            i.send(i.dataOut(itt, ttt, n, n * 1024, Arrays.copyOfRange(data, n * 1024, n * 1024 + 1024), n == 3));
        }
        Pdu next = i.receive();
        ttt = next.u32(Bhs.R2t.TTT);
        next.release();
        for (int n = 0; n < 4; n++) {
            int off = 4096 + n * 1024;
            i.send(i.dataOut(itt, ttt, n, off, Arrays.copyOfRange(data, off, off + 1024), n == 3));
        }
        assertEquals(0, status(i, itt));
        assertArrayEquals(data, disk.blocks(0, 16));
    }

    @Test
    void unknownTargetOnlyAndSnackOpcodesAreRejected() {
        TestInitiator i = session();
        Pdu unknown = Pdu.create(io.netty.buffer.ByteBufAllocator.DEFAULT, IscsiOpcode.NOP_OUT);
        unknown.u8(0, 0x1c);
        unknown.setItt(0x1234);
        i.send(unknown);
        expectRejectRaw(i, RejectReason.COMMAND_NOT_SUPPORTED, 0x1c);

        Pdu targetOnly = Pdu.create(io.netty.buffer.ByteBufAllocator.DEFAULT, IscsiOpcode.SCSI_RESPONSE);
        i.send(targetOnly);
        expectRejectRaw(i, RejectReason.PROTOCOL_ERROR, IscsiOpcode.SCSI_RESPONSE.code());

        Pdu snack = Pdu.create(io.netty.buffer.ByteBufAllocator.DEFAULT, IscsiOpcode.SNACK_REQUEST);
        snack.setFlags(Bhs.FLAG_FINAL);
        i.send(snack);
        expectRejectRaw(i, RejectReason.PROTOCOL_ERROR, IscsiOpcode.SNACK_REQUEST.code());
        stillServes(i);
    }

    @Test
    void garbageClosesOnlyItsOwnConnection() {
        TestInitiator good = session("iqn.2026-11.test:good", 0x400001000001L);
        TestInitiator bad = session("iqn.2026-11.test:bad", 0x400001000002L);
        byte[] junk = new byte[96];
        Arrays.fill(junk, (byte) 0xff);
        bad.sendRaw(junk);
        Pdu reject = bad.receive();
        try {
            assertEquals(IscsiOpcode.REJECT, reject.opcode(), "the target says why before it hangs up");
        } finally {
            reject.release();
        }
        await().until(() -> bad.closed);
        stillServes(good);
        await().until(() -> target.sessions().size() == 1);
        assertEquals("iqn.2026-11.test:good", target.sessions().get(0).initiatorName());
    }

    @Test
    void aDataDigestErrorIsRejectedAndTheConnectionGoesOn() {
        TestInitiator i = connect();
        java.util.Map<String, String> keys = new java.util.LinkedHashMap<>(
                TestInitiator.normalKeys("iqn.2026-11.test:crc"));
        keys.put("DataDigest", "CRC32C");
        Pdu login = i.login(0x400001000004L, 0, keys);
        assertEquals(0, login.u8(Bhs.Login.STATUS_CLASS));
        login.release();
        i.enableDigests(false, true);
        // A NOP-Out ping with 4 bytes of data and a data digest that cannot be right.
        byte[] raw = new byte[48 + 4 + 4];
        raw[0] = 0x00;
        raw[1] = (byte) 0x80;
        raw[7] = 4; // DataSegmentLength
        raw[16] = 0x12; // ITT 0x12000000
        raw[20] = raw[21] = raw[22] = raw[23] = (byte) 0xff; // TTT
        raw[24 + 3] = (byte) i.cmdSn;
        System.arraycopy("ping".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, raw, 48, 4);
        raw[52] = 0x0b; raw[53] = 0x0a; raw[54] = 0x0d; raw[55] = 0x00;
        i.sendRaw(raw);
        expectReject(i, RejectReason.DATA_DIGEST_ERROR, IscsiOpcode.NOP_OUT);
        stillServes(i);
    }

    @Test
    void anythingButLoginBeforeLoginClosesTheConnection() {
        TestInitiator i = connect();
        i.send(i.nopOut(0x10, Pdu.RESERVED_TAG, null));
        await().until(() -> i.closed);
        assertEquals(0, target.sessions().size());
    }

    private static void expectReject(TestInitiator i, RejectReason reason, IscsiOpcode of) {
        expectRejectRaw(i, reason, of.code());
    }

    private static void expectRejectRaw(TestInitiator i, RejectReason reason, int opcode) {
        Pdu pdu = i.receive();
        try {
            assertEquals(IscsiOpcode.REJECT, pdu.opcode(), () -> "got " + pdu);
            assertEquals(reason.code(), pdu.u8(Bhs.Reject.REASON));
            assertEquals(48, pdu.data().readableBytes(), "the rejected BHS comes back");
            assertEquals(opcode, pdu.data().getUnsignedByte(pdu.data().readerIndex()) & 0x3f);
        } finally {
            pdu.release();
        }
    }

    private static void expectDataPhaseError(TestInitiator i, int itt, int ascq) {
        Pdu resp = i.receive();
        try {
            assertEquals(IscsiOpcode.SCSI_RESPONSE, resp.opcode(), () -> "got " + resp);
            assertEquals(itt, resp.itt());
            assertEquals(0x02, resp.u8(Bhs.ScsiResponse.STATUS), "CHECK CONDITION");
            byte[] data = bytes(resp);
            assertEquals(18, ((data[0] & 0xff) << 8) | (data[1] & 0xff), "SenseLength");
            assertEquals(0x0b, data[2 + 2] & 0x0f, "ABORTED COMMAND");
            assertEquals(ASC_DATA_PHASE, data[2 + 12] & 0xff);
            assertEquals(ascq, data[2 + 13] & 0xff);
        } finally {
            resp.release();
        }
    }

    private static void stillServes(TestInitiator i) {
        int itt = i.newItt();
        i.send(i.command(itt, new byte[6], 0, F, null));
        assertEquals(0, status(i, itt));
        assertFalse(i.closed);
    }
}
