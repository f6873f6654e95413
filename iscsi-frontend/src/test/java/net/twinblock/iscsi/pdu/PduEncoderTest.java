package net.twinblock.iscsi.pdu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PduEncoderTest {
    private final PduEncoder encoder = new PduEncoder();
    private final EmbeddedChannel ch = new EmbeddedChannel(encoder);
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;

    @AfterEach
    void tearDown() {
        ch.finishAndReleaseAll();
    }

    private Pdu dataIn(byte[] payload) {
        Pdu pdu = Pdu.create(alloc, IscsiOpcode.SCSI_DATA_IN, alloc.directBuffer().writeBytes(payload));
        pdu.setFlags(Bhs.FLAG_FINAL | Bhs.DataIn.FLAG_STATUS).setItt(0x1234).setLun(1L << 48);
        pdu.u32(Bhs.DataIn.STAT_SN, 77).u32(Bhs.DataIn.DATA_SN, 3).u32(Bhs.DataIn.BUFFER_OFFSET, 8192);
        return pdu;
    }

    /** Everything the encoder wrote since the last call, as wire bytes. */
    private byte[] wire() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WritableByteChannel sink = Channels.newChannel(out);
        Object msg;
        while ((msg = ch.readOutbound()) != null) {
            try {
                if (msg instanceof ByteBuf buf) {
                    out.writeBytes(ByteBufUtil.getBytes(buf));
                } else {
                    FileRegion region = (FileRegion) msg;
                    while (region.transferred() < region.count()) {
                        region.transferTo(sink, region.transferred());
                    }
                }
            } finally {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        }
        return out.toByteArray();
    }

    @ParameterizedTest
    @CsvSource({"0,false,false", "1,false,false", "2,true,false", "3,false,true", "4,true,true", "5,true,true",
            "8192,true,true", "8191,false,true"})
    void roundTripThroughTheDecoder(int length, boolean headerDigest, boolean dataDigest) throws IOException {
        encoder.setDigests(headerDigest, dataDigest);
        byte[] payload = WirePdu.pattern(length, 5);
        ch.writeAndFlush(dataIn(payload));
        byte[] bytes = wire();
        int expectedLength = 48 + (headerDigest ? 4 : 0)
                + (length == 0 ? 0 : ((length + 3) & ~3) + (dataDigest ? 4 : 0));
        assertEquals(expectedLength, bytes.length);

        PduDecoder decoder = new PduDecoder();
        decoder.setMaxRecvDataSegmentLength(65536);
        decoder.setDigests(headerDigest, dataDigest);
        Recorder recorder = new Recorder();
        EmbeddedChannel in = new EmbeddedChannel(decoder, recorder);
        try {
            in.writeInbound(Unpooled.wrappedBuffer(bytes));
            assertEquals(1, recorder.events.size(), recorder.events.toString());
            Pdu back = (Pdu) recorder.events.get(0);
            assertEquals(IscsiOpcode.SCSI_DATA_IN, back.opcode());
            assertEquals(Bhs.FLAG_FINAL | Bhs.DataIn.FLAG_STATUS, back.flags());
            assertEquals(0x1234, back.itt());
            assertEquals(1L << 48, back.lun());
            assertEquals(77, back.u32(Bhs.DataIn.STAT_SN));
            assertEquals(8192, back.u32(Bhs.DataIn.BUFFER_OFFSET));
            assertArrayEquals(payload, ByteBufUtil.getBytes(back.data()));
        } finally {
            recorder.releaseAll();
            in.finishAndReleaseAll();
        }
    }

    @Test
    void digestsAreCrc32cLittleEndianOverHeaderAndOverDataPlusPad() throws IOException {
        encoder.setDigests(true, true);
        byte[] payload = WirePdu.pattern(5, 1);
        ch.writeAndFlush(dataIn(payload));
        byte[] bytes = wire();

        byte[] header = Arrays.copyOf(bytes, 48);
        assertArrayEquals(WirePdu.le(WirePdu.crc(header)), Arrays.copyOfRange(bytes, 48, 52));
        byte[] padded = Arrays.copyOfRange(bytes, 52, 60);
        assertArrayEquals(Arrays.copyOf(payload, 8), padded, "payload then three zero pad bytes");
        assertArrayEquals(WirePdu.le(WirePdu.crc(padded)), Arrays.copyOfRange(bytes, 60, 64));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 6, 7})
    void padBytesAreZero(int length) throws IOException {
        byte[] payload = new byte[length];
        Arrays.fill(payload, (byte) 0xff);
        ch.writeAndFlush(dataIn(payload));
        byte[] bytes = wire();
        assertEquals(48 + ((length + 3) & ~3), bytes.length);
        for (int i = 48 + length; i < bytes.length; i++) {
            assertEquals(0, bytes[i], "pad byte " + i);
        }
    }

    @Test
    void lengthFieldsComeFromTheBuffersNotFromTheBhs() throws IOException {
        Pdu pdu = Pdu.create(alloc, IscsiOpcode.SCSI_COMMAND, Unpooled.wrappedBuffer(WirePdu.pattern(10, 1)));
        pdu.u8(Pdu.OFF_TOTAL_AHS_LENGTH, 9).u24(Pdu.OFF_DATA_SEGMENT_LENGTH, 999_999); // stale garbage
        Pdu withAhs = new Pdu(pdu.bhs().retain(), Unpooled.wrappedBuffer(new byte[8]), pdu.retainData());
        pdu.release();
        ch.writeAndFlush(withAhs);
        byte[] bytes = wire();
        assertEquals(2, bytes[4], "TotalAHSLength in 4-byte words");
        assertEquals(10, ((bytes[5] & 0xff) << 16) | ((bytes[6] & 0xff) << 8) | (bytes[7] & 0xff));
        assertEquals(48 + 8 + 12, bytes.length);
    }

    @Test
    void payloadIsWrittenByReferenceAndThePduIsReleased() {
        ByteBuf payload = alloc.directBuffer().writeBytes(WirePdu.pattern(4096, 1));
        Pdu pdu = Pdu.create(alloc, IscsiOpcode.SCSI_DATA_IN, payload);
        payload.retain(); // the test's own look at the payload
        ch.writeAndFlush(pdu);

        assertEquals(0, pdu.refCnt(), "the encoder releases the Pdu");
        assertEquals(2, payload.refCnt(), "the test and the outbound buffer");
        ByteBuf out = ch.readOutbound();
        payload.setByte(100, 0x42);
        assertEquals(0x42, out.getByte(48 + 100), "the payload was not copied");
        out.release();
        assertEquals(1, payload.refCnt());
        payload.release();
    }

    @Test
    void writesAreNotFlushedPerPdu() {
        ch.write(dataIn(new byte[4]));
        ch.write(dataIn(new byte[4]));
        assertTrue(ch.outboundMessages().isEmpty(), "the session layer decides when to flush");
        ch.flush();
        assertEquals(2, ch.outboundMessages().size());
    }

    @Test
    void badAhsFailsThePromiseAndReleasesThePdu() {
        Pdu pdu = new Pdu(alloc.buffer(48).writeZero(48), Unpooled.wrappedBuffer(new byte[6]), null);
        ChannelFuture f = ch.writeAndFlush(pdu);
        assertFalse(f.isSuccess());
        assertInstanceOf(EncoderException.class, f.cause());
        assertEquals(0, pdu.refCnt());
        assertNull(ch.readOutbound());
    }

    @Test
    void otherMessagesPassThrough() {
        ByteBuf raw = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
        ch.writeAndFlush(raw);
        ByteBuf out = ch.readOutbound();
        assertTrue(out == raw);
        out.release();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 4097})
    void fileRegionDataInGoesOutAsHeaderRegionPad(int length, @TempDir Path dir) throws IOException {
        encoder.setDigests(true, false); // a header digest is fine: the header is still a ByteBuf
        byte[] content = WirePdu.pattern(length + 100, 9);
        Path file = Files.write(dir.resolve("lun.img"), content);
        Pdu header = dataIn(new byte[0]);
        FileRegion region = new DefaultFileRegion(file.toFile(), 100, length);
        FileRegionPdu msg = new FileRegionPdu(header, region);

        ChannelFuture f = ch.writeAndFlush(msg);
        assertTrue(f.isSuccess());
        assertEquals(0, msg.refCnt());
        assertEquals(3 - (length % 4 == 0 ? 1 : 0), ch.outboundMessages().size(), "header, region[, pad]");
        byte[] bytes = wire();
        assertEquals(0, region.refCnt(), "the transport's reference was the last one");

        PduDecoder decoder = new PduDecoder();
        decoder.setMaxRecvDataSegmentLength(65536);
        decoder.setDigests(true, false);
        Recorder recorder = new Recorder();
        EmbeddedChannel in = new EmbeddedChannel(decoder, recorder);
        try {
            in.writeInbound(Unpooled.wrappedBuffer(bytes));
            Pdu back = (Pdu) recorder.events.get(0);
            assertEquals(0x1234, back.itt());
            assertArrayEquals(Arrays.copyOfRange(content, 100, 100 + length), ByteBufUtil.getBytes(back.data()));
        } finally {
            recorder.releaseAll();
            in.finishAndReleaseAll();
        }
    }

    @Test
    void fileRegionWithDataDigestOnIsRefusedAndReleased(@TempDir Path dir) throws IOException {
        encoder.setDigests(false, true);
        Path file = Files.write(dir.resolve("lun.img"), new byte[512]);
        FileRegion region = new DefaultFileRegion(file.toFile(), 0, 512);
        FileRegionPdu msg = new FileRegionPdu(dataIn(new byte[0]), region);

        ChannelFuture f = ch.writeAndFlush(msg);
        assertFalse(f.isSuccess());
        assertTrue(f.cause().getMessage().contains("data digest"), f.cause().getMessage());
        assertEquals(0, msg.refCnt());
        assertEquals(0, region.refCnt());
        assertTrue(ch.outboundMessages().isEmpty(), "nothing half-written");
    }
}
