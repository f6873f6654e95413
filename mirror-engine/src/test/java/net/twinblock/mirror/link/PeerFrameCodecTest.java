package net.twinblock.mirror.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.twinblock.mirror.LeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakGuard.class)
class PeerFrameCodecTest {

    private static final PeerIdentity PRIMARY = new PeerIdentity("node-a", "vol0", 1L << 40, 4096, 7);
    private static final PeerIdentity SECONDARY = new PeerIdentity("nœud-b", "vol0", 1L << 40, 4096, 6,
            PeerIdentity.FLAG_PAIRED | PeerIdentity.FLAG_CLEAN);

    private static final byte[] DATA = Frames.random(32768, 1);
    private static final byte[] CHUNK = Frames.random(4096, 2);

    /** One of every message, each built fresh (data messages own their buffer). */
    private static PeerMessage[] everyMessage() {
        return new PeerMessage[] {
            new Hello(Hello.VERSION, Frames.random(32, 3)),
            new HelloAck(Hello.VERSION, Frames.random(32, 4), Frames.random(32, 5)),
            new HelloProof(Frames.random(32, 6), PRIMARY, Frames.random(65, 7)),
            new HelloIdentity(SECONDARY, null),
            new HelloDone(null),
            new HelloDone(Frames.random(32, 8)),
            new Heartbeat(17, 123456789L),
            new SmallWrite(-5, 4096L * 1000, true, Frames.direct(DATA)),
            new SmallWrite(6, 0, false, Unpooled.wrappedBuffer(new byte[512])),
            new WriteBegin(9),
            new WriteData(9, 0, Frames.direct(CHUNK)),
            new WriteData(9, 4096, Frames.direct(CHUNK)),
            new WriteEnd(9, (1L << 40) - 8192, 8192, true),
            new WriteAck(9, AckStatus.OK),
            new WriteAck(10, AckStatus.NO_SPACE),
            new Flush(11),
            new FlushAck(11, AckStatus.IO_ERROR),
            new PeerError(PeerErrorCode.GENERATION_CONFLICT, "both sides wrote: generation 7 vs 9 — refusing"),
            new SyncState(false, 7),
            new SyncState(true, 7),
            new Discard(12, 1L << 39, 1L << 35),
            new ForwardedWrite(13, 8192, false, true, Frames.direct(CHUNK)),
            new ForwardedWrite(13, 12288, true, false, Frames.direct(CHUNK)),
            new ForwardedDiscard(14, 0, 4096),
            new ForwardedFlush(15),
            new ForwardedAck(13, AckStatus.NOT_READY),
            new PointManifest(16, true, 4096, List.of(new BlockReference(3, 2, 12)), new long[] {8}, CHUNK),
            new PointAck(16, AckStatus.OK),
        };
    }

    private static void assertSameMessage(PeerMessage expected, PeerMessage actual) {
        assertEquals(expected.getClass(), actual.getClass());
        assertEquals(expected.header(), actual.header());
        if (expected instanceof Hello e) {
            Hello a = (Hello) actual;
            assertEquals(e.version(), a.version());
            assertArrayEquals(e.nonce(), a.nonce());
        } else if (expected instanceof HelloAck e) {
            HelloAck a = (HelloAck) actual;
            assertEquals(e.version(), a.version());
            assertArrayEquals(e.nonce(), a.nonce());
            assertArrayEquals(e.proof(), a.proof());
        } else if (expected instanceof HelloIdentity e) {
            HelloIdentity a = (HelloIdentity) actual;
            assertEquals(e.identity(), a.identity());
            assertArrayEquals(e.generations(), a.generations());
        } else if (expected instanceof HelloDone e) {
            assertArrayEquals(e.discard(), ((HelloDone) actual).discard());
        } else if (expected instanceof PointManifest e) {
            PointManifest a = (PointManifest) actual;
            assertEquals(e.references(), a.references());
            assertArrayEquals(e.wholeBlocks(), a.wholeBlocks());
            assertArrayEquals(e.data(), a.data());
        } else if (expected instanceof HelloProof e) {
            HelloProof a = (HelloProof) actual;
            assertArrayEquals(e.proof(), a.proof());
            assertEquals(e.identity(), a.identity());
            assertArrayEquals(e.generations(), a.generations());
        } else {
            // Records compare every field, ByteBuf data by content.
            assertEquals(expected, actual);
        }
    }

    private static List<PeerMessage> decodeAll(ByteBuf wire, Random splits) {
        EmbeddedChannel ch = new EmbeddedChannel(new PeerFrameDecoder(65536));
        while (wire.isReadable()) {
            int n = splits == null ? wire.readableBytes() : Math.min(wire.readableBytes(), 1 + splits.nextInt(40));
            ch.writeInbound(wire.readRetainedSlice(n));
        }
        wire.release();
        List<PeerMessage> got = new ArrayList<>();
        PeerMessage m;
        while ((m = ch.readInbound()) != null) {
            got.add(m);
        }
        assertTrue(ch.isOpen());
        ch.finishAndReleaseAll();
        return got;
    }

    private void roundTrip(Random splits) {
        PeerMessage[] expected = everyMessage();
        ByteBuf wire = Frames.encode(everyMessage());
        List<PeerMessage> got = decodeAll(wire, splits);
        assertEquals(expected.length, got.size());
        for (int i = 0; i < expected.length; i++) {
            assertSameMessage(expected[i], got.get(i));
        }
        for (PeerMessage m : expected) {
            io.netty.util.ReferenceCountUtil.release(m);
        }
        for (PeerMessage m : got) {
            io.netty.util.ReferenceCountUtil.release(m);
        }
    }

    @Test
    void everyMessageRoundTripsInOneRead() {
        roundTrip(null);
    }

    @Test
    void everyMessageRoundTripsFedInSmallRandomPieces() {
        for (long seed = 0; seed < 20; seed++) {
            roundTrip(new Random(seed));
        }
    }

    @Test
    void everyMessageRoundTripsFedByteByByte() {
        PeerMessage[] expected = everyMessage();
        ByteBuf wire = Frames.encode(everyMessage());
        EmbeddedChannel ch = new EmbeddedChannel(new PeerFrameDecoder(65536));
        int total = wire.readableBytes();
        for (int i = 0; i < total; i++) {
            ch.writeInbound(wire.readRetainedSlice(1));
        }
        wire.release();
        for (PeerMessage e : expected) {
            PeerMessage got = ch.readInbound();
            assertSameMessage(e, got);
            io.netty.util.ReferenceCountUtil.release(got);
            io.netty.util.ReferenceCountUtil.release(e);
        }
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void everyFrameStartsWithTheHeaderItsMessageNames() {
        // The hot path's messages write their header from fields, not from header(): the same bytes.
        for (PeerMessage m : everyMessage()) {
            ByteBuf expected = Unpooled.buffer(FrameHeader.LENGTH);
            m.header().write(expected);
            ByteBuf wire = Frames.encode(m);
            assertEquals(expected, wire.slice(0, FrameHeader.LENGTH), m.opcode() + "'s header");
            wire.release();
        }
    }

    @Test
    void aSmallWriteIsOneFrameOfHeaderPlusData() {
        ByteBuf wire = Frames.encode(new SmallWrite(1, 8192, false, Frames.direct(DATA)));
        assertEquals(FrameHeader.LENGTH + DATA.length, wire.readableBytes());
        wire.release();
    }

    @Test
    void theEncoderSendsTheDataBufferItselfNotACopy() {
        EmbeddedChannel ch = new EmbeddedChannel(new PeerFrameEncoder());
        ByteBuf data = Frames.direct(DATA);
        ch.writeOutbound(new SmallWrite(1, 0, false, data));
        ByteBuf header = ch.readOutbound();
        ByteBuf body = ch.readOutbound();
        assertEquals(FrameHeader.LENGTH, header.readableBytes());
        assertSame(data, body, "the data goes out as the same buffer");
        assertEquals(1, data.refCnt(), "the outbound buffer holds the only reference");
        header.release();
        body.release();
        assertEquals(0, data.refCnt());
        assertTrue(!ch.finish());
    }

    @Test
    void theDecoderHandsOutSlicesOfTheReceivedBytes() {
        ByteBuf wire = Frames.encode(new SmallWrite(1, 0, false, Frames.direct(CHUNK)));
        EmbeddedChannel ch = new EmbeddedChannel(new PeerFrameDecoder());
        ch.writeInbound(wire);
        SmallWrite w = ch.readInbound();
        assertTrue(w.data().unwrap() != null, "a slice of the received buffer, not a copy");
        assertArrayEquals(CHUNK, Frames.take(w.data()));
        assertTrue(!ch.finish());
    }

    @Test
    void dataLongerThanTheLengthFieldIsRefusedAndReleased() {
        EmbeddedChannel ch = new EmbeddedChannel(new PeerFrameEncoder());
        ByteBuf huge = Unpooled.directBuffer(FrameHeader.MAX_PAYLOAD + 1).writeZero(FrameHeader.MAX_PAYLOAD + 1);
        assertThrows(EncoderException.class, () -> ch.writeOutbound(new SmallWrite(1, 0, false, huge)));
        assertEquals(0, huge.refCnt());
        assertNull(ch.readOutbound(), "no header without its data");
        ch.finishAndReleaseAll();
    }

    @Test
    void unicodeNamesAndLongErrorMessagesSurvive() {
        String longMessage = "é".repeat(5000);
        PeerError err = new PeerError(PeerErrorCode.PROTOCOL_ERROR, longMessage);
        assertTrue(err.header().payloadLength() <= 4096);
        List<PeerMessage> got = decodeAll(Frames.encode(err), null);
        PeerError back = assertInstanceOf(PeerError.class, got.get(0));
        assertEquals(err.message(), back.message());
        assertEquals(2048, back.message().length(), "cut at the last whole character within 4096 bytes");
    }
}
