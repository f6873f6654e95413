package net.twinblock.mirror.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The frames of consistency points (POINT_MANIFEST, POINT_ACK) through the real encoder and decoder. */
class PointFramesTest {

    @Test
    void aManifestArrivesWithItsReferencesAndWholeBlocks() {
        List<BlockReference> refs = List.of(new BlockReference(0, 4, 7), new BlockReference(9, 1, -2),
                new BlockReference(1L << 40, 250, Integer.MAX_VALUE));
        byte[] data = Frames.random(2 * 4096, 3);
        PointManifest m = assertInstanceOf(PointManifest.class,
                Frames.roundTrip(new PointManifest(-5, true, 4096, refs, new long[] {4, 1L << 33}, data)));
        assertEquals(-5, m.point());
        assertTrue(m.more());
        assertEquals(4096, m.blockSize());
        assertEquals(refs, m.references());
        assertArrayEquals(new long[] {4, 1L << 33}, m.wholeBlocks());
        assertArrayEquals(data, m.data());
    }

    @Test
    void anEmptyLastManifestFrameClosesAPoint() {
        PointManifest m = assertInstanceOf(PointManifest.class,
                Frames.roundTrip(new PointManifest(12, false, 512, List.of(), new long[0], new byte[0])));
        assertFalse(m.more());
        assertEquals(0, m.references().size());
        assertEquals(0, m.wholeBlocks().length);
    }

    @Test
    void aPointAckCarriesThePointAndItsOutcome() {
        PointAck ok = assertInstanceOf(PointAck.class, Frames.roundTrip(new PointAck(77, AckStatus.OK)));
        assertEquals(new PointAck(77, AckStatus.OK), ok);
        assertEquals(new PointAck(78, AckStatus.IO_ERROR), Frames.roundTrip(new PointAck(78, AckStatus.IO_ERROR)));
    }

    @Test
    void manifestsAndWritesShareTheStreamInOrder() {
        EmbeddedChannel ch = new EmbeddedChannel(new PeerFrameDecoder());
        ch.writeInbound(Frames.encode(new SmallWrite(1, 0, false, Unpooled.wrappedBuffer(new byte[4096])),
                new PointManifest(1, false, 4096, List.of(new BlockReference(0, 1, 1)), new long[0], new byte[0]),
                new Flush(2)));
        SmallWrite w = assertInstanceOf(SmallWrite.class, ch.readInbound());
        w.release();
        assertInstanceOf(PointManifest.class, ch.readInbound());
        assertInstanceOf(Flush.class, ch.readInbound());
        assertFalse(ch.finishAndReleaseAll());
    }

    /** A frame's header with {@code length} bytes of payload room, to fill by hand. */
    private static ByteBuf frame(FrameType op, int flags, int length, long argument) {
        ByteBuf b = Unpooled.buffer();
        new FrameHeader(op.code(), flags, length, 1, argument).write(b);
        return b;
    }

    @Test
    void countsThatDoNotAddUpToThePayloadCloseTheLink() {
        // says two references but carries one
        ByteBuf bad = frame(FrameType.POINT_MANIFEST, 0, PointManifest.FIXED + BlockReference.BYTES, 0);
        bad.writeInt(4096).writeInt(2).writeInt(0).writeInt(0).writeLong(0).writeInt(1).writeInt(1);
        PeerFrameException e = Frames.assertClosesTheLink(bad);
        assertTrue(e.getMessage().contains("2 references"), e.getMessage());
    }

    @Test
    void aBlockSizeThatIsNoPowerOfTwoClosesTheLink() {
        ByteBuf bad = frame(FrameType.POINT_MANIFEST, 0, PointManifest.FIXED + 8 + 3000, 0);
        bad.writeInt(3000).writeInt(0).writeInt(1).writeInt(0).writeLong(0).writeZero(3000);
        Frames.assertClosesTheLink(bad);
    }

    @Test
    void aReferenceOfNoBlocksClosesTheLink() {
        ByteBuf bad = frame(FrameType.POINT_MANIFEST, 0, PointManifest.FIXED + BlockReference.BYTES, 0);
        bad.writeInt(4096).writeInt(1).writeInt(0).writeInt(0).writeLong(5).writeInt(0).writeInt(1);
        Frames.assertClosesTheLink(bad);
    }

    @Test
    void aManifestArgumentOrAnAckFlagIsRefused() {
        Frames.assertClosesTheLink(frame(FrameType.POINT_MANIFEST, 0, PointManifest.FIXED, 9).writeInt(4096)
                .writeZero(12));
        Frames.assertClosesTheLink(frame(FrameType.POINT_ACK, FrameHeader.FLAG_MORE, 0, 0));
        Frames.assertClosesTheLink(frame(FrameType.POINT_ACK, 0, 0, 99));
    }

    @Test
    void aManifestThatCannotBeFramedIsRefusedBeforeItIsSent() {
        assertThrows(IllegalArgumentException.class,
                () -> new PointManifest(1, false, 4096, List.of(), new long[] {1}, new byte[4095]));
        assertThrows(IllegalArgumentException.class,
                () -> new PointManifest(1, false, 4096, List.of(), new long[] {-1}, new byte[4096]));
        assertThrows(IllegalArgumentException.class,
                () -> new PointManifest(1, false, 1000, List.of(), new long[0], new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new BlockReference(-1, 1, 1));
        PointManifest tooBig = new PointManifest(1, false, 64 * 1024, List.of(), new long[16],
                new byte[16 * 64 * 1024]);
        assertThrows(IllegalArgumentException.class, tooBig::header);
    }
}
