package net.twinblock.mirror.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import net.twinblock.mirror.LeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The frames mirroring added (DISCARD, SYNC_STATE, FORWARDED_*) refuse what they cannot mean. */
@ExtendWith(LeakGuard.class)
class PairFramesTest {

    private static ByteBuf header(FrameType op, int flags, int length, int seq, long arg) {
        ByteBuf b = Unpooled.buffer();
        b.writeInt(op.code() << 24 | flags << 20 | length);
        b.writeInt(seq);
        b.writeLong(arg);
        return b;
    }

    private static void assertRefused(ByteBuf wire, String why) {
        EmbeddedChannel ch = new EmbeddedChannel(new PeerFrameDecoder());
        DecoderException e = org.junit.jupiter.api.Assertions.assertThrows(DecoderException.class,
                () -> ch.writeInbound(wire));
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void discardNeedsItsEightByteLengthAndANonNegativeRange() {
        assertRefused(header(FrameType.DISCARD, 0, 4, 1, 0).writeInt(1), "DISCARD payload of 4");
        assertRefused(header(FrameType.DISCARD, 0, 8, 1, 0).writeLong(-1), "discard of -1 bytes");
        assertRefused(header(FrameType.FORWARDED_DISCARD, 0, 8, 1, -4096).writeLong(4096), "discard of 4096 bytes at -4096");
        assertRefused(header(FrameType.DISCARD, 1, 8, 1, 0).writeLong(0), "does not take flags");
    }

    @Test
    void syncStateIsEitherSyncingOrInSync() {
        assertRefused(header(FrameType.SYNC_STATE, 0, 0, 1, 2), "unknown sync state 2");
    }

    @Test
    void forwardedWritesTakeFuaAndMoreAndNothingElse() {
        assertRefused(header(FrameType.FORWARDED_WRITE, 0x4, 1, 1, 0).writeByte(0), "does not take flags");
        assertRefused(header(FrameType.FORWARDED_WRITE, 0, 1, 1, -512).writeByte(0), "negative volume offset");
        assertRefused(header(FrameType.FORWARDED_FLUSH, 0, 0, 1, 9), "reserved argument");
        assertRefused(header(FrameType.FORWARDED_ACK, 0, 0, 1, 99), "unknown status 99");

        EmbeddedChannel ch = new EmbeddedChannel(new PeerFrameDecoder());
        ch.writeInbound(header(FrameType.FORWARDED_WRITE, FrameHeader.FLAG_MORE, 2, 5, 4096).writeShort(0x0102));
        ForwardedWrite w = ch.readInbound();
        assertTrue(w.more());
        assertFalse(w.fua());
        assertEquals(4096, w.offset());
        assertEquals(0x0102, w.data().getShort(0));
        w.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void identityFlagsTravelInTheIdentity() {
        PeerIdentity id = new PeerIdentity("n", "v", 1 << 20, 512, 3,
                PeerIdentity.FLAG_PAIRED | PeerIdentity.FLAG_EMPTY);
        EmbeddedChannel ch = new EmbeddedChannel(new PeerFrameDecoder());
        ch.writeInbound(Frames.encode(new HelloIdentity(id, null)));
        HelloIdentity h = ch.readInbound();
        assertEquals(id, h.identity());
        assertTrue(h.identity().paired() && h.identity().empty() && !h.identity().clean());
        ch.finishAndReleaseAll();
    }

    @Test
    void peerCallsCarryTheirBytesBothWaysAndRefuseWhatTheyCannotMean() {
        EmbeddedChannel ch = new EmbeddedChannel(new PeerFrameDecoder());
        ch.writeInbound(Frames.encode(new PeerCall(7, new byte[] {1, 2, 3}),
                new PeerReply(7, AckStatus.NOT_READY, new byte[0]), new PeerReply(8, AckStatus.OK, new byte[] {9})));
        PeerCall c = ch.readInbound();
        assertEquals(7, c.id());
        assertEquals(3, c.body().length);
        PeerReply failed = ch.readInbound();
        assertEquals(AckStatus.NOT_READY, failed.status());
        PeerReply ok = ch.readInbound();
        assertEquals(9, ok.body()[0]);
        assertFalse(ch.finish());

        assertRefused(header(FrameType.PEER_CALL, 0, 0, 1, 0), "PEER_CALL payload of 0");
        assertRefused(header(FrameType.PEER_CALL, 0, 1, 1, 5).writeByte(0), "reserved argument");
        assertRefused(header(FrameType.PEER_REPLY, 0, 0, 1, 99), "unknown status 99");
        assertRefused(header(FrameType.PEER_CALL, 0x8, 1, 1, 0).writeByte(0), "does not take flags");
    }
}
