package net.twinblock.iscsi.pdu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class PduDecoderTest {
    private final PduDecoder decoder = new PduDecoder();
    private final Recorder recorder = new Recorder();
    private final EmbeddedChannel ch = new EmbeddedChannel(decoder, recorder);

    @AfterEach
    void tearDown() {
        recorder.releaseAll();
        ch.finishAndReleaseAll();
        recorder.releaseAll();
    }

    private void feed(byte[] bytes) {
        ch.writeInbound(PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes));
    }

    private static void assertPdu(WirePdu expected, Pdu actual) {
        assertEquals(ByteBufUtil.hexDump(expected.header()), ByteBufUtil.hexDump(actual.bhs()), "BHS");
        assertEquals(ByteBufUtil.hexDump(expected.ahs), ByteBufUtil.hexDump(actual.ahs()), "AHS");
        assertArrayEquals(expected.data, ByteBufUtil.getBytes(actual.data()), "data segment");
        assertEquals(1, actual.refCnt());
    }

    @ParameterizedTest
    @EnumSource(IscsiOpcode.class)
    void everyOpcodeIsFramedWithItsFields(IscsiOpcode opcode) {
        WirePdu w = WirePdu.of(opcode.code() | 0x40).flags(0x81).lun(0x0001_0000_0000_0000L).itt(0xdeadbeef)
                .u32(20, 0x11223344).u32(24, 7).u32(28, 8).u32(32, 9).u32(36, 10).u32(40, 11).u32(44, 12)
                .data(WirePdu.pattern(100, opcode.code()));
        feed(w.wire(false, false));

        Pdu pdu = recorder.pdus().get(0);
        assertPdu(w, pdu);
        assertEquals(opcode, pdu.opcode());
        assertTrue(pdu.immediate());
        assertEquals(0x81, pdu.flags());
        assertEquals(0xdeadbeef, pdu.itt());
        assertEquals(0x0001_0000_0000_0000L, pdu.lun());
        assertEquals(100, pdu.dataSegmentLength());
        assertEquals(0x11223344, pdu.u32(20));
        assertEquals(12, pdu.u32(44));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x07, 0x1c, 0x3e})
    void undefinedOpcodeIsEmittedForTheSessionToReject(int raw) {
        WirePdu w = WirePdu.of(raw).itt(5).data(WirePdu.pattern(3, 1));
        feed(w.wire(false, false));

        Pdu pdu = recorder.pdus().get(0);
        assertNull(pdu.opcode());
        assertEquals(raw, pdu.rawOpcode());
        assertPdu(w, pdu);
    }

    @Test
    void ahsWithAndWithoutHeaderDigest() {
        byte[] ahs = {0, 5, 1, 0, 1, 2, 3, 4};
        WirePdu w = WirePdu.of(0x01).itt(1).ahs(ahs).data(WirePdu.pattern(13, 3));
        feed(w.wire(false, false));
        assertPdu(w, recorder.pdus().get(0));
        assertEquals(2, recorder.pdus().get(0).totalAhsLength());

        decoder.setDigests(true, true);
        feed(w.wire(true, true));
        assertEquals(2, recorder.pdus().size());
        assertPdu(w, recorder.pdus().get(1));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 8192})
    void paddingIsSkippedForEveryLengthWithAndWithoutDigests(int length) {
        for (boolean digests : new boolean[] {false, true}) {
            decoder.setDigests(digests, digests);
            WirePdu first = WirePdu.of(0x05).itt(1).data(WirePdu.pattern(length, 7));
            WirePdu second = WirePdu.of(0x00).itt(2).data(WirePdu.pattern(1, 9));
            // Back to back in one buffer: a mis-skipped pad would corrupt the second PDU.
            feed(WirePdu.concat(first.wire(digests, digests), second.wire(digests, digests)));

            List<Pdu> pdus = recorder.pdus();
            assertEquals(2, pdus.size(), "digests=" + digests);
            assertPdu(first, pdus.get(0));
            assertPdu(second, pdus.get(1));
            assertFalse(recorder.events.stream().anyMatch(e -> e instanceof Throwable));
            recorder.releaseAll();
        }
    }

    @Test
    void digestSwitchAppliesToTheNextPduNotTheOneBeingRead() {
        // The switch is latched when a PDU's BHS is complete.
        WirePdu login = WirePdu.of(0x03).itt(1).data(WirePdu.pattern(10, 1));
        WirePdu scsi = WirePdu.of(0x01).itt(2).data(WirePdu.pattern(10, 2));
        byte[] loginWire = login.wire(false, false);
        feed(java.util.Arrays.copyOf(loginWire, 50));
        decoder.setDigests(true, true); // called while this PDU's data is still being read
        feed(java.util.Arrays.copyOfRange(loginWire, 50, loginWire.length));
        feed(scsi.wire(true, true));
        decoder.setDigests(false, false);
        feed(login.wire(false, false));

        List<Pdu> pdus = recorder.pdus();
        assertEquals(3, pdus.size(), recorder.events.toString());
        assertPdu(login, pdus.get(0));
        assertPdu(scsi, pdus.get(1));
        assertPdu(login, pdus.get(2));
    }

    /** A mix of shapes: AHS, every pad length, empty segments, a large segment. */
    private static List<WirePdu> mixedStream() {
        List<WirePdu> list = new ArrayList<>();
        int itt = 0;
        for (int len : new int[] {0, 1, 2, 3, 4, 5, 48, 511, 8192, 0, 7}) {
            WirePdu w = WirePdu.of(len % 2 == 0 ? 0x05 : 0x01).itt(itt++).lun(itt).data(WirePdu.pattern(len, itt));
            if (len == 5) {
                w.ahs(WirePdu.pattern(12, 4));
            }
            list.add(w);
        }
        return list;
    }

    private static byte[] wire(List<WirePdu> pdus, boolean digests) {
        List<byte[]> parts = new ArrayList<>();
        for (WirePdu w : pdus) {
            parts.add(w.wire(digests, digests));
        }
        return WirePdu.concat(parts.toArray(new byte[0][]));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void byteAtATimeYieldsTheSamePdus(boolean digests) {
        decoder.setDigests(digests, digests);
        List<WirePdu> expected = mixedStream();
        for (byte b : wire(expected, digests)) {
            feed(new byte[] {b});
        }
        List<Pdu> pdus = recorder.pdus();
        assertEquals(expected.size(), pdus.size());
        for (int i = 0; i < expected.size(); i++) {
            assertPdu(expected.get(i), pdus.get(i));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 4711, 90210})
    void randomSplitsYieldTheSamePdus(long seed) {
        Random random = new Random(seed);
        boolean digests = random.nextBoolean();
        decoder.setDigests(digests, digests);
        List<WirePdu> expected = mixedStream();
        byte[] all = wire(expected, digests);
        for (int at = 0; at < all.length; ) {
            int n = Math.min(all.length - at, 1 + random.nextInt(random.nextBoolean() ? 7 : 3000));
            feed(java.util.Arrays.copyOfRange(all, at, at + n));
            at += n;
        }
        List<Pdu> pdus = recorder.pdus();
        assertEquals(expected.size(), pdus.size(), "seed " + seed);
        for (int i = 0; i < expected.size(); i++) {
            assertPdu(expected.get(i), pdus.get(i));
        }
    }

    @Test
    void severalPdusInOneBuffer() {
        List<WirePdu> expected = mixedStream();
        feed(wire(expected, false));
        List<Pdu> pdus = recorder.pdus();
        assertEquals(expected.size(), pdus.size());
        for (int i = 0; i < expected.size(); i++) {
            assertPdu(expected.get(i), pdus.get(i));
        }
    }

    /** Counts every buffer the decoder asks its channel's allocator for. */
    static final class CountingAllocator extends AbstractByteBufAllocator {
        final AtomicInteger allocations = new AtomicInteger();

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            allocations.incrementAndGet();
            return Unpooled.buffer(initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            allocations.incrementAndGet();
            return Unpooled.directBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    @Test
    void oversizedSegmentIsFatalFromTheHeaderAloneBeforeAnyAllocation() {
        CountingAllocator allocator = new CountingAllocator();
        ch.config().setAllocator(allocator);
        WirePdu big = WirePdu.of(0x01).itt(3).data(new byte[PduDecoder.DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH + 1]);
        byte[] header = big.header();

        // Only the 48 header bytes arrive: the error must not wait for the 8 KiB that are announced.
        feed(header);
        PduFormatException e = onlyError();
        assertTrue(e.fatal());
        assertEquals(RejectReason.PROTOCOL_ERROR, e.reason());
        assertArrayEquals(header, e.header());
        assertEquals(0, allocator.allocations.get(), "nothing allocated for the oversized PDU");

        // Framing is lost: whatever follows is discarded, not misread as PDUs.
        feed(WirePdu.of(0x00).itt(4).wire(false, false));
        assertEquals(1, recorder.events.size(), "nothing is decoded after framing was lost");
    }

    /** The one event recorded, which must be a PduFormatException. */
    private PduFormatException onlyError() {
        assertEquals(1, recorder.events.size(), recorder.events.toString());
        return assertInstanceOf(PduFormatException.class, recorder.events.get(0));
    }

    @Test
    void raisedLimitAcceptsTheNegotiatedSegmentLength() {
        decoder.setMaxRecvDataSegmentLength(262144);
        WirePdu w = WirePdu.of(0x05).itt(1).data(WirePdu.pattern(262144, 5));
        feed(w.wire(false, false));
        assertPdu(w, recorder.pdus().get(0));
        recorder.releaseAll();

        WirePdu tooBig = WirePdu.of(0x05).itt(2).data(new byte[262145]);
        feed(tooBig.header());
        assertTrue(onlyError().fatal());
    }

    @Test
    void limitOutsideRfcRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> decoder.setMaxRecvDataSegmentLength(511));
        assertThrows(IllegalArgumentException.class, () -> decoder.setMaxRecvDataSegmentLength(1 << 24));
    }

    @Test
    void headerDigestErrorIsFatalAndStopsDecoding() {
        decoder.setDigests(true, false);
        WirePdu w = WirePdu.of(0x01).itt(9).data(WirePdu.pattern(16, 1));
        byte[] bad = w.wire(true, false);
        bad[48] ^= 1; // first header digest byte
        byte[] next = WirePdu.of(0x00).itt(10).wire(true, false);

        feed(WirePdu.concat(bad, next));
        PduFormatException e = onlyError();
        assertTrue(e.fatal());
        assertArrayEquals(w.header(), e.header());
        feed(next);
        assertEquals(1, recorder.events.size(), "nothing is decoded after framing was lost");
    }

    @Test
    void dataDigestErrorDropsThatPduAndDecodingContinues() {
        decoder.setDigests(true, true);
        WirePdu a = WirePdu.of(0x01).itt(1).data(WirePdu.pattern(5, 1));
        WirePdu b = WirePdu.of(0x05).itt(2).data(WirePdu.pattern(512, 2));
        WirePdu c = WirePdu.of(0x00).itt(3).data(WirePdu.pattern(3, 3));
        byte[] badB = b.wire(true, true);
        badB[100] ^= 0x40; // corrupt a payload byte: the header is fine, the data digest is not
        // All three in one buffer: c must be delivered without waiting for more bytes.
        feed(WirePdu.concat(a.wire(true, true), badB, c.wire(true, true)));

        assertEquals(3, recorder.events.size(), recorder.events.toString());
        assertPdu(a, (Pdu) recorder.events.get(0));
        PduFormatException e = assertInstanceOf(PduFormatException.class, recorder.events.get(1));
        assertFalse(e.fatal());
        assertEquals(RejectReason.DATA_DIGEST_ERROR, e.reason());
        assertArrayEquals(b.header(), e.header());
        assertPdu(c, (Pdu) recorder.events.get(2));
    }

    @Test
    void corruptPaddingByteIsADataDigestError() {
        decoder.setDigests(false, true);
        WirePdu w = WirePdu.of(0x05).itt(1).data(WirePdu.pattern(5, 1));
        byte[] bytes = w.wire(false, true);
        bytes[48 + 6] = 1; // a pad byte: covered by the digest
        feed(bytes);
        assertInstanceOf(PduFormatException.class, recorder.events.get(0));
    }

    @ParameterizedTest
    @ValueSource(ints = {20, 48, 51, 60, 48 + 4 + 8192, 48 + 4 + 8192 + 2})
    void truncatedPduThenCloseReleasesEverything(int cut) {
        decoder.setDigests(true, true);
        byte[] all = WirePdu.of(0x05).itt(1).data(WirePdu.pattern(8192, 1)).wire(true, true);
        ByteBuf source = PooledByteBufAllocator.DEFAULT.directBuffer(cut).writeBytes(all, 0, cut);
        source.retain(); // the test's own reference, to see whether the decoder let go of its
        ch.writeInbound(source);
        assertTrue(recorder.pdus().isEmpty());

        assertFalse(ch.finish());
        assertTrue(recorder.events.isEmpty(), "a truncated PDU is dropped silently: " + recorder.events);
        assertEquals(1, source.refCnt(), "only the test still holds the socket buffer");
        source.release();
    }

    @Test
    void payloadSharesMemoryWithTheSocketBuffer() {
        WirePdu w = WirePdu.of(0x05).itt(1).data(WirePdu.pattern(4096, 1));
        byte[] bytes = w.wire(false, false);
        ByteBuf source = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
        source.retain();
        ch.writeInbound(source);

        Pdu pdu = recorder.pdus().get(0);
        source.setByte(48 + 1000, 0x5a);
        assertEquals(0x5a, pdu.data().getByte(pdu.data().readerIndex() + 1000), "data is a view, not a copy");
        assertEquals(2, source.refCnt(), "the test and the PDU's data slice");
        pdu.release();
        recorder.events.clear();
        assertEquals(1, source.refCnt());
        source.release();
    }

    @Test
    void payloadSpanningSeveralReadsIsStillNotCopied() {
        WirePdu w = WirePdu.of(0x05).itt(1).data(WirePdu.pattern(4096, 1));
        byte[] bytes = w.wire(false, false);
        // Three socket reads: header + start of data, middle, end. The cumulation becomes a composite.
        int[] cuts = {0, 1000, 3000, bytes.length};
        ByteBuf[] reads = new ByteBuf[3];
        for (int i = 0; i < 3; i++) {
            reads[i] = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(bytes, cuts[i], cuts[i + 1] - cuts[i]);
            reads[i].retain();
            ch.writeInbound(reads[i]);
        }

        Pdu pdu = recorder.pdus().get(0);
        assertPdu(w, pdu);
        for (int i = 0; i < 3; i++) {
            int wireOffset = cuts[i] + 100;
            reads[i].setByte(100, 0x77);
            assertEquals(0x77, pdu.data().getByte(pdu.data().readerIndex() + wireOffset - 48),
                    "read " + i + " is referenced, not copied");
        }
        pdu.release();
        recorder.events.clear();
        for (ByteBuf read : reads) {
            assertEquals(1, read.refCnt(), "the decoder kept no reference of its own");
            read.release();
        }
    }

    @Test
    void payloadTrickledInTinyReadsIsGatheredAndPinsNoReadBuffer() {
        WirePdu w = WirePdu.of(0x05).itt(1).data(WirePdu.pattern(8192, 1));
        byte[] bytes = w.wire(false, false);
        List<ByteBuf> reads = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += 100) {
            ByteBuf read = Unpooled.directBuffer().writeBytes(bytes, at, Math.min(100, bytes.length - at));
            reads.add(read.retain());
            ch.writeInbound(read);
        }
        Pdu pdu = recorder.pdus().get(0);
        assertPdu(w, pdu);
        // More than RetainedSlices.MAX_PIECES reads: one contiguous copy, no read buffer kept alive.
        assertEquals(1, pdu.data().nioBufferCount());
        for (ByteBuf read : reads) {
            assertEquals(1, read.refCnt());
            read.release();
        }
    }

    @Test
    void decoderHoldsNoSocketBufferOnceAPduIsOut() {
        // Regression guard for the cumulator choice: after a PDU is emitted and its payload
        // released, no read buffer may stay pinned by the decoder's cumulation.
        WirePdu w = WirePdu.of(0x05).itt(1).data(WirePdu.pattern(100, 1));
        byte[] bytes = w.wire(false, false);
        ByteBuf first = Unpooled.directBuffer().writeBytes(bytes, 0, 60);
        ByteBuf second = Unpooled.directBuffer().writeBytes(bytes, 60, bytes.length - 60);
        first.retain();
        second.retain();
        ch.writeInbound(first);
        ch.writeInbound(second);
        recorder.releaseAll();
        assertEquals(1, first.refCnt());
        assertEquals(1, second.refCnt());
        first.release();
        second.release();
    }
}
