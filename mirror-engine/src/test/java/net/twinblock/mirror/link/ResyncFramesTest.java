package net.twinblock.mirror.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The frames of resync and scrub (HASH_BATCH, BLOCK_REQUEST) and the generation history in the handshake. */
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
    void identitiesCarryTheGenerationHistoryWhenGivenAndStillDecodeWithout() {
        byte[] generations = Frames.random(65, 3);
        HelloProof with = assertInstanceOf(HelloProof.class, Frames.roundTrip(new HelloProof(Frames.random(32, 1), ID,
                generations)));
        assertEquals(ID, with.identity());
        assertArrayEquals(generations, with.generations());

        HelloIdentity without = assertInstanceOf(HelloIdentity.class, Frames.roundTrip(new HelloIdentity(ID, null)));
        assertEquals(ID, without.identity());
        assertNull(without.generations());
        assertThrows(IllegalArgumentException.class, () -> new HelloIdentity(ID, new byte[64]));
    }

    @Test
    void anIdentityNamesTheVolumeOfTheConnectionAndEveryVolumeOfTheSender() {
        PeerIdentity lun7 = new PeerIdentity("a", "v7", 8192, 4096, 3, PeerIdentity.FLAG_PAIRED, 7, List.of(0, 7, 300));
        HelloProof h = assertInstanceOf(HelloProof.class, Frames.roundTrip(new HelloProof(Frames.random(32, 1), lun7,
                Frames.random(65, 2))));
        assertEquals(7, h.identity().volume());
        assertEquals(List.of(0, 7, 300), h.identity().volumes());
        assertEquals(lun7, h.identity());
        assertThrows(IllegalArgumentException.class, () -> new PeerIdentity("a", "v", 8192, 512, 0, 0, 1, List.of(0)),
                "a connection's volume is one of the sender's");
    }

    @Test
    void anOlderHelloDecodesAsFarAsItsVersionSoTheHandshakeCanRefuseIt() {
        ByteBuf v2 = Unpooled.buffer();
        new FrameHeader(FrameType.HELLO.code(), 0, 100, 0, 0).write(v2);
        v2.writeShort(2).writeZero(98);
        EmbeddedChannel ch = new EmbeddedChannel(new PeerFrameDecoder());
        ch.writeInbound(v2);
        Hello old = ch.readInbound();
        assertEquals(2, old.version());
        assertNull(old.nonce());
        ch.finishAndReleaseAll();
        assertThrows(IllegalArgumentException.class, () -> new Hello(Hello.VERSION, null), "this version has a nonce");
    }

    @Test
    void helloDoneCarriesADiscardOrderWhenGivenAndStillDecodesWithout() {
        byte[] order = Frames.random(32, 5);
        HelloDone with = assertInstanceOf(HelloDone.class, Frames.roundTrip(new HelloDone(order)));
        assertArrayEquals(order, with.discard());
        assertEquals(32, new HelloDone(order).header().payloadLength());

        HelloDone without = assertInstanceOf(HelloDone.class, Frames.roundTrip(new HelloDone(null)));
        assertNull(without.discard());
        assertEquals(0, without.header().payloadLength());
        assertThrows(IllegalArgumentException.class, () -> new HelloDone(new byte[31]));
    }

    @Test
    void aHelloDoneWithHalfADiscardOrderClosesTheLink() {
        ByteBuf bad = Unpooled.buffer();
        new FrameHeader(FrameType.HELLO_DONE.code(), 0, 16, 0, 0).write(bad);
        bad.writeZero(16);
        PeerFrameException e = Frames.assertClosesTheLink(bad);
        assertTrue(e.getMessage().contains("a discard order is 32 bytes"), e.getMessage());
    }
}
