package net.twinblock.mirror.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import net.twinblock.mirror.LeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A link end's pipeline (decoder, encoder for its answers, assembler) fed with real encoded frames. */
@ExtendWith(LeakGuard.class)
class WriteAssemblerTest {

    private final WakeupCounter wakeups = new WakeupCounter();
    private final WriteFramer framer = new WriteFramer(32 * 1024, 64 * 1024);

    private EmbeddedChannel secondary(int maxTransferBytes, int maxOpen) {
        return new EmbeddedChannel(new PeerFrameEncoder(), new PeerFrameDecoder(),
                new WriteAssembler(wakeups, maxTransferBytes, maxOpen));
    }

    private EmbeddedChannel secondary() {
        return secondary(WriteAssembler.DEFAULT_MAX_TRANSFER_BYTES, WriteAssembler.DEFAULT_MAX_OPEN_TRANSFERS);
    }

    private static ByteBuf wire(List<PeerMessage> frames) {
        return Frames.encode(frames.toArray(PeerMessage[]::new));
    }

    @Test
    void smallWritesTakeOneFrameLargeOnesMore() {
        EmbeddedChannel ch = secondary();
        byte[] small = Frames.random(4096, 1);
        byte[] large = Frames.random(200 * 1024, 2);
        ch.writeInbound(wire(framer.frames(1, 8192, Frames.direct(small), true)));
        ch.writeInbound(wire(framer.frames(2, 1L << 30, Frames.direct(large), false)));

        MirroredWrite a = ch.readInbound();
        assertEquals(1, a.sequence());
        assertEquals(8192, a.offset());
        assertTrue(a.fua());
        assertEquals(1, a.frames());
        assertArrayEquals(small, Frames.take(a.data()));

        MirroredWrite b = ch.readInbound();
        assertEquals(2, b.sequence());
        assertEquals(1L << 30, b.offset());
        assertFalse(b.fua());
        assertEquals(6, b.frames(), "BEGIN + 4 chunks + END");
        assertArrayEquals(large, Frames.take(b.data()));

        assertEquals(2, wakeups.writes());
        assertEquals(1.0, wakeups.framesPerSmallWrite());
        assertEquals(6.0, wakeups.framesPerLargeWrite());
        assertTrue(wakeups.framesPerSmallWrite() < wakeups.framesPerLargeWrite());
        assertTrue(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void interleavedLargeWritesAreAssembledByTransferId() {
        EmbeddedChannel ch = secondary();
        byte[] x = Frames.random(100 * 1024, 3);
        byte[] y = Frames.random(70 * 1024, 4);
        List<PeerMessage> fx = framer.frames(10, 0, Frames.direct(x), false);
        List<PeerMessage> fy = framer.frames(11, 1 << 20, Frames.direct(y), false);
        List<PeerMessage> mixed = new ArrayList<>();
        for (int i = 0; i < Math.max(fx.size(), fy.size()); i++) {
            if (i < fx.size()) {
                mixed.add(fx.get(i));
            }
            if (i < fy.size()) {
                mixed.add(fy.get(i));
            }
        }
        ch.writeInbound(wire(mixed));
        MirroredWrite first = ch.readInbound();
        MirroredWrite second = ch.readInbound();
        assertEquals(10, first.sequence());
        assertArrayEquals(x, Frames.take(first.data()));
        assertEquals(11, second.sequence());
        assertArrayEquals(y, Frames.take(second.data()));
        assertFalse(ch.finish());
    }

    @Test
    void otherMessagesPassThrough() {
        EmbeddedChannel ch = secondary();
        ch.writeInbound(Frames.encode(new Flush(3), new Heartbeat(4, 1)));
        assertEquals(new Flush(3), ch.readInbound());
        assertEquals(new Heartbeat(4, 1), ch.readInbound());
        assertFalse(ch.finish());
    }

    /** Expects an ERROR frame naming {@code reason} to go back and the link to close. */
    private static void assertProtocolError(EmbeddedChannel ch, String reason) {
        ByteBuf answer = Unpooled.compositeBuffer();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            ((io.netty.buffer.CompositeByteBuf) answer).addComponent(true, b);
        }
        EmbeddedChannel decode = new EmbeddedChannel(new PeerFrameDecoder());
        decode.writeInbound(answer);
        PeerError err = assertInstanceOf(PeerError.class, decode.readInbound());
        assertEquals(PeerErrorCode.PROTOCOL_ERROR, err.code());
        assertTrue(err.message().contains(reason), err.message());
        decode.finishAndReleaseAll();
        assertFalse(ch.isOpen());
        assertNull(ch.readInbound(), "nothing half-received is applied");
        ch.finishAndReleaseAll();
    }

    @Test
    void aChunkForATransferNeverBegunIsAProtocolError() {
        EmbeddedChannel ch = secondary();
        ch.writeInbound(Frames.encode(new WriteData(5, 0, Unpooled.wrappedBuffer(new byte[512]))));
        assertProtocolError(ch, "never begun");
    }

    @Test
    void aGapInATransferIsAProtocolErrorAndTheOpenTransferIsReleased() {
        EmbeddedChannel ch = secondary();
        ch.writeInbound(Frames.encode(new WriteBegin(5), new WriteData(5, 0, Frames.direct(new byte[4096])),
                new WriteData(5, 8192, Frames.direct(new byte[4096]))));
        assertProtocolError(ch, "which has 4096 bytes so far");
    }

    @Test
    void anEndWithAnotherTotalIsAProtocolError() {
        EmbeddedChannel ch = secondary();
        ch.writeInbound(Frames.encode(new WriteBegin(5), new WriteData(5, 0, Frames.direct(new byte[4096])),
                new WriteEnd(5, 0, 8192, false)));
        assertProtocolError(ch, "ended with 4096 bytes but announced 8192");
    }

    @Test
    void aSecondBeginForAnOpenTransferIsAProtocolError() {
        EmbeddedChannel ch = secondary();
        ch.writeInbound(Frames.encode(new WriteBegin(5), new WriteBegin(5)));
        assertProtocolError(ch, "already open");
    }

    @Test
    void transferLimitsBoundTheMemoryAPeerCanPin() {
        EmbeddedChannel big = secondary(8192, 16);
        big.writeInbound(Frames.encode(new WriteBegin(1), new WriteData(1, 0, Frames.direct(new byte[8192])),
                new WriteData(1, 8192, Frames.direct(new byte[512]))));
        assertProtocolError(big, "grows beyond 8192 bytes");

        EmbeddedChannel many = secondary(8192, 2);
        many.writeInbound(Frames.encode(new WriteBegin(1), new WriteBegin(2), new WriteBegin(3)));
        assertProtocolError(many, "more than 2 large writes open");
    }

    @Test
    void aLinkThatDropsMidTransferReleasesWhatItReceived() {
        // Decoded messages straight into the assembler, so the test holds the chunk's buffer itself.
        WriteAssembler assembler = new WriteAssembler(wakeups);
        EmbeddedChannel ch = new EmbeddedChannel(assembler);
        ByteBuf chunk = Frames.direct(new byte[4096]);
        ch.writeInbound(new WriteBegin(8), new WriteData(8, 0, chunk));
        assertEquals(1, assembler.openTransfers());
        assertEquals(1, chunk.refCnt(), "held by the open transfer");
        ch.close();
        assertEquals(0, chunk.refCnt(), "released when the link went away");
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void forwardedChunksAreJoinedIntoOneWrite() {
        EmbeddedChannel ch = secondary();
        byte[] data = Frames.random(12 * 1024, 5);
        ch.writeInbound(Frames.encode(
                new ForwardedWrite(13, 8192, false, true, Frames.direct(java.util.Arrays.copyOfRange(data, 0, 4096))),
                new ForwardedWrite(13, 12288, false, true, Frames.direct(java.util.Arrays.copyOfRange(data, 4096, 8192))),
                new ForwardedWrite(13, 16384, true, false, Frames.direct(java.util.Arrays.copyOfRange(data, 8192,
                        12288))),
                new ForwardedWrite(14, 0, false, false, Frames.direct(new byte[512]))));

        ForwardedWrite whole = ch.readInbound();
        assertEquals(13, whole.id());
        assertEquals(8192, whole.offset());
        assertTrue(whole.fua(), "the last chunk's FUA");
        assertFalse(whole.more());
        assertArrayEquals(data, Frames.take(whole.data()));
        ForwardedWrite single = ch.readInbound();
        assertEquals(14, single.id());
        assertEquals(512, single.data().readableBytes());
        single.release();
        assertEquals(0, wakeups.writes(), "forwarded writes are not mirrored writes");
        assertTrue(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void aForwardedChunkThatDoesNotContinueIsAProtocolError() {
        EmbeddedChannel ch = secondary();
        ch.writeInbound(Frames.encode(new ForwardedWrite(13, 8192, false, true, Frames.direct(new byte[4096])),
                new ForwardedWrite(13, 16384, false, false, Frames.direct(new byte[4096]))));
        assertProtocolError(ch, "does not continue at 12288");
    }
}
