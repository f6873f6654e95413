package net.twinblock.iscsi.pdu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.InvalidMarkException;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.util.Arrays;

import org.jscsi.parser.BasicHeaderSegment;
import org.jscsi.parser.OperationCode;
import org.jscsi.parser.ProtocolDataUnit;
import org.jscsi.parser.ProtocolDataUnitFactory;
import org.jscsi.parser.data.DataInParser;
import org.jscsi.parser.data.DataOutParser;
import org.jscsi.parser.digest.DigestFactory;
import org.jscsi.parser.digest.IDigest;
import org.jscsi.parser.login.ISID;
import org.jscsi.parser.login.LoginRequestParser;
import org.jscsi.parser.login.LoginResponseParser;
import org.jscsi.parser.login.LoginStage;
import org.jscsi.parser.login.LoginStatus;
import org.jscsi.parser.nop.NOPInParser;
import org.jscsi.parser.nop.NOPOutParser;
import org.jscsi.parser.r2t.Ready2TransferParser;
import org.jscsi.parser.scsi.SCSICommandParser;
import org.jscsi.parser.scsi.SCSIResponseParser;
import org.jscsi.parser.scsi.SCSIStatus;
import org.jscsi.parser.text.TextRequestParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our codec against an independent one: jSCSI 2.2's PDU parsers. jSCSI -> our decoder for what
 * an initiator sends; our encoder -> jSCSI for what the target sends.
 *
 * <p>jSCSI 2.2 cannot frame digests (see the two {@code jscsi...} tests at the end), so with
 * digests on, the digest bytes are computed or checked with jSCSI's own CRC32C core (which is
 * right when fed whole buffers) and placed or stripped per RFC 7143 §11.2; the PDU itself is
 * still serialised or parsed by jSCSI.
 */
class JscsiCrossCheckTest {
    private final ProtocolDataUnitFactory factory = new ProtocolDataUnitFactory();

    // ---- digests, placed and checked per RFC 7143 §11.2 with java.util.zip.CRC32C ------------

    /** jSCSI's digest-less serialisation with RFC header and data digests inserted. */
    private static ByteBuffer withDigests(ByteBuffer plain) {
        byte[] b = new byte[plain.remaining()];
        plain.duplicate().get(b);
        int headerEnd = 48 + (b[4] & 0xff) * 4;
        byte[] header = Arrays.copyOf(b, headerEnd);
        byte[] padded = Arrays.copyOfRange(b, headerEnd, b.length);
        byte[] headerDigest = WirePdu.le(WirePdu.crc(header));
        return ByteBuffer.wrap(padded.length == 0
                ? WirePdu.concat(header, headerDigest)
                : WirePdu.concat(header, headerDigest, padded, WirePdu.le(WirePdu.crc(padded))));
    }

    /** Checks our digests independently and removes them, for jSCSI's digest-less parser. */
    private static byte[] verifyAndStripDigests(byte[] b) {
        int headerEnd = 48 + (b[4] & 0xff) * 4;
        byte[] header = Arrays.copyOf(b, headerEnd);
        assertArrayEquals(WirePdu.le(WirePdu.crc(header)), Arrays.copyOfRange(b, headerEnd, headerEnd + 4),
                "header digest");
        if (b.length == headerEnd + 4) {
            return header;
        }
        byte[] padded = Arrays.copyOfRange(b, headerEnd + 4, b.length - 4);
        assertArrayEquals(WirePdu.le(WirePdu.crc(padded)), Arrays.copyOfRange(b, b.length - 4, b.length),
                "data digest");
        return WirePdu.concat(header, padded);
    }

    // ---- jSCSI -> ours ----------------------------------------------------------------------

    /** Decodes jSCSI's serialised bytes with our decoder; exactly one PDU must come out. */
    private static Pdu decode(ByteBuffer wire, boolean digests) {
        PduDecoder decoder = new PduDecoder();
        decoder.setMaxRecvDataSegmentLength(65536);
        decoder.setDigests(digests, digests);
        Recorder recorder = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(decoder, recorder);
        try {
            ch.writeInbound(PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(wire.duplicate()));
            assertEquals(1, recorder.events.size(), recorder.events.toString());
            return (Pdu) recorder.events.get(0); // caller releases
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void scsiCommandWithImmediateData(boolean digests) throws Exception {
        ProtocolDataUnit p = factory.create(false, true, OperationCode.SCSI_COMMAND, "None", "None");
        SCSICommandParser cmd = (SCSICommandParser) p.getBasicHeaderSegment().getParser();
        byte[] cdb = new byte[16];
        cdb[0] = 0x2a; // WRITE(10)
        cdb[8] = 2;
        cmd.setWriteExpectedFlag(true);
        cmd.setTaskAttributes(SCSICommandParser.TaskAttributes.SIMPLE);
        cmd.setExpectedDataTransferLength(1024);
        cmd.setCommandDescriptorBlock(ByteBuffer.wrap(cdb));
        cmd.setCommandSequenceNumber(0x10203040);
        cmd.setExpectedStatusSequenceNumber(0x55);
        cmd.setLogicalUnitNumber(0x0002_0000_0000_0000L);
        p.getBasicHeaderSegment().setInitiatorTaskTag(0xcafe);
        byte[] immediate = WirePdu.pattern(513, 3);
        p.setDataSegment(ByteBuffer.wrap(immediate));

        Pdu pdu = decode(digests ? withDigests(p.serialize()) : p.serialize(), digests);
        try {
            assertEquals(IscsiOpcode.SCSI_COMMAND, pdu.opcode());
            assertFalse(pdu.immediate());
            assertTrue(pdu.finalBit());
            assertEquals(Bhs.ScsiCommand.FLAG_WRITE, pdu.flags() & (Bhs.ScsiCommand.FLAG_WRITE | Bhs.ScsiCommand.FLAG_READ));
            assertEquals(1, pdu.flags() & Bhs.ScsiCommand.ATTR_MASK, "SIMPLE");
            assertEquals(0xcafe, pdu.itt());
            assertEquals(0x0002_0000_0000_0000L, pdu.lun());
            assertEquals(1024, pdu.u32(Bhs.ScsiCommand.EXPECTED_DATA_TRANSFER_LENGTH));
            assertEquals(0x10203040, pdu.u32(Bhs.ScsiCommand.CMD_SN));
            assertEquals(0x55, pdu.u32(Bhs.ScsiCommand.EXP_STAT_SN));
            assertArrayEquals(cdb, ByteBufUtil.getBytes(pdu.bhs(), Bhs.ScsiCommand.CDB, 16));
            assertArrayEquals(immediate, ByteBufUtil.getBytes(pdu.data()));
        } finally {
            pdu.release();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void dataOut(boolean digests) throws Exception {
        ProtocolDataUnit p = factory.create(false, true, OperationCode.SCSI_DATA_OUT, "None", "None");
        DataOutParser out = (DataOutParser) p.getBasicHeaderSegment().getParser();
        out.setTargetTransferTag(0x77);
        out.setDataSequenceNumber(4);
        out.setBufferOffset(8192);
        out.setExpectedStatusSequenceNumber(9);
        out.setLogicalUnitNumber(1L << 48);
        p.getBasicHeaderSegment().setInitiatorTaskTag(0xcafe);
        byte[] payload = WirePdu.pattern(4096, 7);
        p.setDataSegment(ByteBuffer.wrap(payload));

        Pdu pdu = decode(digests ? withDigests(p.serialize()) : p.serialize(), digests);
        try {
            assertEquals(IscsiOpcode.SCSI_DATA_OUT, pdu.opcode());
            assertTrue(pdu.finalBit());
            assertEquals(0xcafe, pdu.itt());
            assertEquals(1L << 48, pdu.lun());
            assertEquals(0x77, pdu.u32(Bhs.DataOut.TTT));
            assertEquals(4, pdu.u32(Bhs.DataOut.DATA_SN));
            assertEquals(8192, pdu.u32(Bhs.DataOut.BUFFER_OFFSET));
            assertEquals(9, pdu.u32(Bhs.DataOut.EXP_STAT_SN));
            assertArrayEquals(payload, ByteBufUtil.getBytes(pdu.data()));
        } finally {
            pdu.release();
        }
    }

    @Test
    void loginRequest() throws Exception {
        // Login PDUs never carry digests (they are negotiated by the login itself).
        ProtocolDataUnit p = factory.create(true, true, OperationCode.LOGIN_REQUEST, "None", "None");
        LoginRequestParser login = (LoginRequestParser) p.getBasicHeaderSegment().getParser();
        login.setCurrentStageNumber(LoginStage.LOGIN_OPERATIONAL_NEGOTIATION);
        login.setNextStageNumber(LoginStage.FULL_FEATURE_PHASE);
        login.setInitiatorSessionID(ISID.createRandom(42));
        login.setConnectionID(1);
        login.setCommandSequenceNumber(0);
        login.setExpectedStatusSequenceNumber(0);
        p.getBasicHeaderSegment().setInitiatorTaskTag(1);
        byte[] keys = "InitiatorName=iqn.2026-11.test:host\0SessionType=Normal\0".getBytes(StandardCharsets.US_ASCII);
        p.setDataSegment(ByteBuffer.wrap(keys));
        long isid = login.getInitiatorSessionID().serialize();

        Pdu pdu = decode(p.serialize(), false);
        try {
            assertEquals(IscsiOpcode.LOGIN_REQUEST, pdu.opcode());
            assertTrue(pdu.immediate());
            assertTrue((pdu.flags() & Bhs.Login.FLAG_TRANSIT) != 0);
            assertEquals(1, (pdu.flags() & Bhs.Login.CSG_MASK) >> Bhs.Login.CSG_SHIFT);
            assertEquals(3, pdu.flags() & Bhs.Login.NSG_MASK);
            assertEquals(isid >>> 16, pdu.u64(Bhs.Login.ISID) >>> 16, "ISID, 6 bytes");
            assertEquals(1, pdu.u16(Bhs.Login.CID));
            assertEquals(1, pdu.itt());
            assertArrayEquals(keys, ByteBufUtil.getBytes(pdu.data()));
        } finally {
            pdu.release();
        }
    }

    @Test
    void textRequest() throws Exception {
        ProtocolDataUnit p = factory.create(false, true, OperationCode.TEXT_REQUEST, "None", "None");
        TextRequestParser text = (TextRequestParser) p.getBasicHeaderSegment().getParser();
        text.setTargetTransferTag(Pdu.RESERVED_TAG);
        text.setCommandSequenceNumber(5);
        p.getBasicHeaderSegment().setInitiatorTaskTag(3);
        byte[] keys = "SendTargets=All\0".getBytes(StandardCharsets.US_ASCII);
        p.setDataSegment(ByteBuffer.wrap(keys));

        Pdu pdu = decode(p.serialize(), false);
        try {
            assertEquals(IscsiOpcode.TEXT_REQUEST, pdu.opcode());
            assertTrue(pdu.finalBit());
            assertEquals(Pdu.RESERVED_TAG, pdu.u32(Bhs.Text.TTT));
            assertEquals(5, pdu.u32(Bhs.Text.CMD_SN));
            assertEquals(3, pdu.itt());
            assertArrayEquals(keys, ByteBufUtil.getBytes(pdu.data()));
        } finally {
            pdu.release();
        }
    }

    @Test
    void nopOutPing() throws Exception {
        ProtocolDataUnit p = factory.create(true, true, OperationCode.NOP_OUT, "None", "None");
        NOPOutParser nop = (NOPOutParser) p.getBasicHeaderSegment().getParser();
        nop.setCommandSequenceNumber(12);
        p.getBasicHeaderSegment().setInitiatorTaskTag(0x99);
        byte[] ping = WirePdu.pattern(6, 1);
        p.setDataSegment(ByteBuffer.wrap(ping));

        Pdu pdu = decode(p.serialize(), false);
        try {
            assertEquals(IscsiOpcode.NOP_OUT, pdu.opcode());
            assertTrue(pdu.immediate());
            assertEquals(0x99, pdu.itt());
            assertEquals(12, pdu.u32(Bhs.NopOut.CMD_SN));
            assertArrayEquals(ping, ByteBufUtil.getBytes(pdu.data()));
        } finally {
            pdu.release();
        }
    }

    // ---- ours -> jSCSI ----------------------------------------------------------------------

    /** Encodes with our encoder and parses the bytes with jSCSI. */
    private ProtocolDataUnit parse(Pdu pdu, boolean digests) throws Exception {
        PduEncoder encoder = new PduEncoder();
        encoder.setDigests(digests, digests);
        EmbeddedChannel ch = new EmbeddedChannel(encoder);
        ch.writeAndFlush(pdu);
        ByteBuf out = ch.readOutbound();
        byte[] bytes;
        try {
            bytes = ByteBufUtil.getBytes(out);
        } finally {
            out.release();
            ch.finishAndReleaseAll();
        }
        if (digests) {
            bytes = verifyAndStripDigests(bytes);
        }
        ProtocolDataUnit p = factory.create("None", "None");
        int consumed = p.deserialize(ByteBuffer.wrap(bytes));
        assertEquals(bytes.length, consumed, "jSCSI consumed the whole PDU");
        return p;
    }

    private static byte[] data(ProtocolDataUnit p) {
        ByteBuffer data = p.getDataSegment().duplicate();
        data.rewind();
        byte[] b = new byte[p.getBasicHeaderSegment().getDataSegmentLength()];
        data.get(b);
        return b;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void scsiResponseWithSense(boolean digests) throws Exception {
        byte[] sense = WirePdu.pattern(20, 2); // SenseLength + sense bytes, 2 pad bytes on the wire
        Pdu pdu = Pdu.create(PooledByteBufAllocator.DEFAULT, IscsiOpcode.SCSI_RESPONSE, Unpooled.wrappedBuffer(sense));
        pdu.setFlags(Bhs.FLAG_FINAL | Bhs.ScsiResponse.FLAG_UNDERFLOW).setItt(0xcafe);
        pdu.u8(Bhs.ScsiResponse.RESPONSE, 0).u8(Bhs.ScsiResponse.STATUS, 0x02);
        pdu.u32(Bhs.ScsiResponse.STAT_SN, 100).u32(Bhs.ScsiResponse.EXP_CMD_SN, 101)
                .u32(Bhs.ScsiResponse.MAX_CMD_SN, 164).u32(Bhs.ScsiResponse.RESIDUAL_COUNT, 512);

        ProtocolDataUnit p = parse(pdu, digests);
        BasicHeaderSegment bhs = p.getBasicHeaderSegment();
        SCSIResponseParser rsp = (SCSIResponseParser) bhs.getParser();
        assertEquals(OperationCode.SCSI_RESPONSE, bhs.getOpCode());
        assertTrue(bhs.isFinalFlag());
        assertEquals(0xcafe, bhs.getInitiatorTaskTag());
        assertEquals(SCSIStatus.CHECK_CONDITION, rsp.getStatus());
        assertEquals(SCSIResponseParser.ServiceResponse.COMMAND_COMPLETED_AT_TARGET, rsp.getResponse());
        assertTrue(rsp.isResidualUnderflow());
        assertEquals(512, rsp.getResidualCount());
        assertEquals(100, rsp.getStatusSequenceNumber());
        assertEquals(101, rsp.getExpectedCommandSequenceNumber());
        assertEquals(164, rsp.getMaximumCommandSequenceNumber());
        assertEquals(sense.length, bhs.getDataSegmentLength());
        assertArrayEquals(sense, data(p));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void dataInWithStatus(boolean digests) throws Exception {
        byte[] payload = WirePdu.pattern(8191, 4);
        Pdu pdu = Pdu.create(PooledByteBufAllocator.DEFAULT, IscsiOpcode.SCSI_DATA_IN,
                PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(payload));
        // LUN stays 0: with the A bit clear it is reserved (RFC 7143 §11.7.4), and jSCSI checks that.
        pdu.setFlags(Bhs.FLAG_FINAL | Bhs.DataIn.FLAG_STATUS).setItt(0xbeef);
        pdu.u32(Bhs.DataIn.TTT, Pdu.RESERVED_TAG).u32(Bhs.DataIn.STAT_SN, 7).u32(Bhs.DataIn.EXP_CMD_SN, 8)
                .u32(Bhs.DataIn.MAX_CMD_SN, 72).u32(Bhs.DataIn.DATA_SN, 2).u32(Bhs.DataIn.BUFFER_OFFSET, 16384);

        ProtocolDataUnit p = parse(pdu, digests);
        BasicHeaderSegment bhs = p.getBasicHeaderSegment();
        DataInParser in = (DataInParser) bhs.getParser();
        assertEquals(OperationCode.SCSI_DATA_IN, bhs.getOpCode());
        assertTrue(bhs.isFinalFlag());
        assertTrue(in.isStatusFlag());
        assertEquals(SCSIStatus.GOOD, in.getStatus());
        assertEquals(0xbeef, bhs.getInitiatorTaskTag());
        assertEquals(0, in.getLogicalUnitNumber());
        assertEquals(7, in.getStatusSequenceNumber());
        assertEquals(2, in.getDataSequenceNumber());
        assertEquals(16384, in.getBufferOffset());
        assertArrayEquals(payload, data(p));
    }

    @Test
    void r2t() throws Exception {
        Pdu pdu = Pdu.create(PooledByteBufAllocator.DEFAULT, IscsiOpcode.R2T);
        pdu.setFlags(Bhs.FLAG_FINAL).setItt(0xcafe).setLun(1L << 48);
        pdu.u32(Bhs.R2t.TTT, 0x1000).u32(Bhs.R2t.STAT_SN, 5).u32(Bhs.R2t.EXP_CMD_SN, 6).u32(Bhs.R2t.MAX_CMD_SN, 70)
                .u32(Bhs.R2t.R2T_SN, 1).u32(Bhs.R2t.BUFFER_OFFSET, 262144)
                .u32(Bhs.R2t.DESIRED_DATA_TRANSFER_LENGTH, 65536);

        ProtocolDataUnit p = parse(pdu, true);
        Ready2TransferParser r2t = (Ready2TransferParser) p.getBasicHeaderSegment().getParser();
        assertEquals(OperationCode.R2T, p.getBasicHeaderSegment().getOpCode());
        assertEquals(0xcafe, p.getBasicHeaderSegment().getInitiatorTaskTag());
        assertEquals(0x1000, r2t.getTargetTransferTag());
        assertEquals(1, r2t.getReady2TransferSequenceNumber());
        assertEquals(262144, r2t.getBufferOffset());
        assertEquals(65536, r2t.getDesiredDataTransferLength());
        assertEquals(70, r2t.getMaximumCommandSequenceNumber());
    }

    @Test
    void loginResponse() throws Exception {
        byte[] keys = "TargetPortalGroupTag=1\0HeaderDigest=None\0".getBytes(StandardCharsets.US_ASCII);
        Pdu pdu = Pdu.create(PooledByteBufAllocator.DEFAULT, IscsiOpcode.LOGIN_RESPONSE, Unpooled.wrappedBuffer(keys));
        pdu.setFlags(Bhs.Login.FLAG_TRANSIT | (1 << Bhs.Login.CSG_SHIFT) | 3).setItt(1);
        pdu.u8(Bhs.Login.VERSION_MAX, 0).u8(Bhs.Login.VERSION_MIN_OR_ACTIVE, 0);
        pdu.u8(Bhs.Login.ISID, 0x80).u16(Bhs.Login.TSIH, 0x0102);
        pdu.u32(Bhs.Login.STAT_SN, 0).u32(Bhs.Login.EXP_CMD_SN, 1).u32(Bhs.Login.MAX_CMD_SN, 64);
        pdu.u8(Bhs.Login.STATUS_CLASS, 0).u8(Bhs.Login.STATUS_DETAIL, 0);

        ProtocolDataUnit p = parse(pdu, false);
        LoginResponseParser rsp = (LoginResponseParser) p.getBasicHeaderSegment().getParser();
        assertEquals(OperationCode.LOGIN_RESPONSE, p.getBasicHeaderSegment().getOpCode());
        assertTrue(p.getBasicHeaderSegment().isFinalFlag(), "T bit");
        assertEquals(LoginStage.LOGIN_OPERATIONAL_NEGOTIATION, rsp.getCurrentStageNumber());
        assertEquals(LoginStage.FULL_FEATURE_PHASE, rsp.getNextStageNumber());
        assertEquals(LoginStatus.SUCCESS, rsp.getStatus());
        assertEquals(0x0102, rsp.getTargetSessionIdentifyingHandle());
        assertEquals(64, rsp.getMaximumCommandSequenceNumber());
        assertArrayEquals(keys, data(p));
    }

    @Test
    void nopInReply() throws Exception {
        byte[] ping = WirePdu.pattern(6, 1);
        Pdu pdu = Pdu.create(PooledByteBufAllocator.DEFAULT, IscsiOpcode.NOP_IN, Unpooled.wrappedBuffer(ping));
        pdu.setFlags(Bhs.FLAG_FINAL).setItt(0x99);
        pdu.u32(Bhs.NopIn.TTT, Pdu.RESERVED_TAG).u32(Bhs.NopIn.STAT_SN, 3).u32(Bhs.NopIn.EXP_CMD_SN, 13)
                .u32(Bhs.NopIn.MAX_CMD_SN, 77);

        ProtocolDataUnit p = parse(pdu, true);
        NOPInParser nop = (NOPInParser) p.getBasicHeaderSegment().getParser();
        assertEquals(OperationCode.NOP_IN, p.getBasicHeaderSegment().getOpCode());
        assertEquals(0x99, p.getBasicHeaderSegment().getInitiatorTaskTag());
        assertEquals(Pdu.RESERVED_TAG, nop.getTargetTransferTag());
        assertEquals(3, nop.getStatusSequenceNumber());
        assertEquals(13, nop.getExpectedCommandSequenceNumber());
        assertArrayEquals(ping, data(p));
    }

    // ---- where jSCSI 2.2 and RFC 7143 part ways ------------------------------------------------

    /**
     * jSCSI cannot serialise a PDU with a digest: ProtocolDataUnit.serializeDigest marks the
     * buffer, then CRC32CDigest.update(ByteBuffer, offset, length) moves it to {@code offset}
     * (serializeDigest always passes 0: even the data digest would cover the BHS) and reads
     * {@code length} ints rather than bytes, so it overruns the buffer or loses the mark.
     * RFC 7143 §11.2 wants CRC32C of BHS+AHS after the header and of data+pad after the data.
     */
    @Test
    void jscsiSerialiseWithDigestsThrows() throws Exception {
        ProtocolDataUnit p = factory.create(false, true, OperationCode.SCSI_DATA_OUT, "CRC32C", "CRC32C");
        ((DataOutParser) p.getBasicHeaderSegment().getParser()).setTargetTransferTag(1);
        p.setDataSegment(ByteBuffer.wrap(new byte[8]));
        RuntimeException e = assertThrows(RuntimeException.class, p::serialize);
        assertTrue(e instanceof InvalidMarkException || e instanceof BufferOverflowException, e.toString());
    }

    /**
     * The same on the way in: jSCSI rejects a PDU whose header digest is right (RFC 3720 B.4
     * vectors pass in Crc32cTest; java.util.zip.CRC32C agrees), and accepts the identical PDU
     * without the digest. Its CRC core is also off: over 32 zero bytes it yields the bitwise
     * complement of RFC 3720 B.4's {@code aa 36 91 8a} (the final XOR is skipped on that path).
     */
    @Test
    void jscsiRejectsACorrectHeaderDigest() throws Exception {
        WirePdu nopIn = WirePdu.of(0x20).flags(0x80).itt(0x99).u32(20, Pdu.RESERVED_TAG);
        ProtocolDataUnit strict = factory.create("CRC32C", "None");
        assertThrows(DigestException.class, () -> strict.deserialize(ByteBuffer.wrap(nopIn.wire(true, false))));
        ProtocolDataUnit plain = factory.create("None", "None");
        assertEquals(48, plain.deserialize(ByteBuffer.wrap(nopIn.wire(false, false))));

        IDigest d = new DigestFactory().create("CRC32C");
        d.reset();
        d.update(new byte[32], 0, 32);
        byte[] jscsi = ByteBuffer.allocate(4).putInt((int) d.getValue()).array();
        assertArrayEquals(new byte[] {0x55, (byte) 0xc9, 0x6e, 0x75}, jscsi, "~(aa 36 91 8a)");
    }
}
