package net.twinblock.mirror.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The frames of resync and scrub (HASH_BATCH, BLOCK_REQUEST) and the generation history in HELLO. */
class ResyncFramesTest {

    private static final PeerIdentity ID = new PeerIdentity("node-a", "vol0", 1L << 30, 512, 3, 0x5);

    @Test
    void aHashBatchArrivesWithItsRegionsAlgorithmAndHashes() {
        byte[] hashes = Frames.random(64 * 4, 7);
        HashBatchFrame f = assertInstanceOf(HashBatchFrame.class,
                Frames.roundTrip(new HashBatchFrame(42, 1_000_000L, 0, 128, 64, hashes)));
        assertEquals(42, f.id());
        assertEquals(1_000_000L, f.firstRegion());
        assertEquals(0, f.algorithm());
        assertEquals(128, f.blocksPerRegion());
        assertEquals(64, f.count());
        assertArrayEquals(hashes, f.hashes());
    }

    @Test
    void aBlockRequestCarriesTheDifferingRangesOrAFailure() {
        BlockRequest ok = assertInstanceOf(BlockRequest.class,
                Frames.roundTrip(new BlockRequest(9, AckStatus.OK, new long[] {1001, 2, 70_000, 1})));
        assertEquals(9, ok.id());
        assertEquals(AckStatus.OK, ok.status());
        assertArrayEquals(new long[] {1001, 2, 70_000, 1}, ok.ranges());

        BlockRequest failed = assertInstanceOf(BlockRequest.class,
                Frames.roundTrip(new BlockRequest(10, AckStatus.IO_ERROR, new long[0])));
        assertEquals(AckStatus.IO_ERROR, failed.status());
        assertEquals(0, failed.ranges().length);
    }

    @Test
    void aBlockRequestWithHalfARangeClosesTheLink() {
        ByteBuf bad = Unpooled.buffer();
        new FrameHeader(FrameType.BLOCK_REQUEST.code(), 0, 8, 1, 0).write(bad);
        bad.writeLong(5);
        Frames.assertClosesTheLink(bad);
    }

    @Test
    void rangesMustBeWholeAndPositive() {
        assertThrows(IllegalArgumentException.class, () -> new BlockRequest(1, AckStatus.OK, new long[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new BlockRequest(1, AckStatus.OK, new long[] {1, 0}));
        assertThrows(IllegalArgumentException.class, () -> new HashBatchFrame(1, 0, 0, 1, 3, new byte[4]));
    }

    @Test
    void helloCarriesTheGenerationHistoryWhenGivenAndStillDecodesWithout() {
        byte[] generations = Frames.random(65, 3);
        Hello with = assertInstanceOf(Hello.class, Frames.roundTrip(new Hello(HelloBody.VERSION, ID, Frames.random(32, 1), generations)));
        assertEquals(ID, with.identity());
        assertArrayEquals(generations, with.generations());

        Hello without = assertInstanceOf(Hello.class, Frames.roundTrip(new Hello(HelloBody.VERSION, ID, Frames.random(32, 1))));
        assertEquals(ID, without.identity());
        assertNull(without.generations());

        HelloAck ack = assertInstanceOf(HelloAck.class, Frames.roundTrip(new HelloAck(HelloBody.VERSION, ID, Frames.random(32, 1),
                Frames.random(32, 2), generations)));
        assertArrayEquals(generations, ack.generations());
        assertThrows(IllegalArgumentException.class, () -> new Hello(HelloBody.VERSION, ID, new byte[32], new byte[64]));
    }

    @Test
    void helloNamesTheVolumeOfTheConnectionAndEveryVolumeOfTheSender() {
        PeerIdentity lun7 = new PeerIdentity("a", "v7", 8192, 4096, 3, PeerIdentity.FLAG_PAIRED, 7, List.of(0, 7, 300));
        Hello h = assertInstanceOf(Hello.class, Frames.roundTrip(new Hello(HelloBody.VERSION, lun7, Frames.random(32, 1),
                Frames.random(65, 2))));
        assertEquals(7, h.identity().volume());
        assertEquals(List.of(0, 7, 300), h.identity().volumes());
        assertEquals(lun7, h.identity());
        assertThrows(IllegalArgumentException.class, () -> new PeerIdentity("a", "v", 8192, 512, 0, 0, 1, List.of(0)),
                "a connection's volume is one of the sender's");
    }

    @Test
    void aVersion1HelloStillDecodesAsVolume0SoTheHandshakeCanRefuseItsVersion() {
        Hello old = assertInstanceOf(Hello.class, Frames.roundTrip(new Hello(1, ID, Frames.random(32, 1))));
        assertEquals(1, old.version());
        assertEquals(0, old.identity().volume());
        assertEquals(List.of(0), old.identity().volumes());
    }

    @Test
    void helloProofCarriesADiscardOrderWhenGivenAndStillDecodesWithout() {
        byte[] proof = Frames.random(32, 4);
        byte[] order = Frames.random(32, 5);
        HelloProof with = assertInstanceOf(HelloProof.class, Frames.roundTrip(new HelloProof(proof, order)));
        assertArrayEquals(proof, with.proof());
        assertArrayEquals(order, with.discard());
        assertEquals(64, new HelloProof(proof, order).header().payloadLength());

        HelloProof without = assertInstanceOf(HelloProof.class, Frames.roundTrip(new HelloProof(proof)));
        assertArrayEquals(proof, without.proof());
        assertNull(without.discard());
        assertEquals(32, without.header().payloadLength(), "what a version-1 node sends and expects");
        assertThrows(IllegalArgumentException.class, () -> new HelloProof(proof, new byte[31]));
    }

    @Test
    void aHelloProofWithHalfADiscardOrderClosesTheLink() {
        ByteBuf bad = Unpooled.buffer();
        new FrameHeader(FrameType.HELLO_PROOF.code(), 0, 48, 0, 0).write(bad);
        bad.writeZero(48);
        PeerFrameException e = Frames.assertClosesTheLink(bad);
        assertTrue(e.getMessage().contains("32 bytes each"), e.getMessage());
    }
}
