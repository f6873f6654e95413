package net.twinblock.mirror.link;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Random;

/** Helpers shared by the link tests. */
final class Frames {

    private Frames() {
    }

    static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    static ByteBuf direct(byte[] data) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(data.length).writeBytes(data);
    }

    /** Encodes messages with a real encoder; returns all bytes as one buffer (caller releases). */
    static ByteBuf encode(PeerMessage... messages) {
        EmbeddedChannel ch = new EmbeddedChannel(new PeerFrameEncoder());
        for (PeerMessage m : messages) {
            ch.writeOutbound(m);
        }
        CompositeByteBuf all = Unpooled.compositeBuffer(Integer.MAX_VALUE);
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            all.addComponent(true, b);
        }
        ch.finishAndReleaseAll();
        return all;
    }

    /** Encodes one message and decodes it with a real decoder of the largest payload: what came out. */
    static Object roundTrip(PeerMessage m) {
        EmbeddedChannel ch = new EmbeddedChannel(new PeerFrameDecoder(FrameHeader.MAX_PAYLOAD));
        ch.writeInbound(encode(m)); // the decoder releases the encoded bytes
        Object out = ch.readInbound();
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
        return out;
    }

    /** Feeds a malformed frame to a decoder: refused, and the link closed. */
    static PeerFrameException assertClosesTheLink(ByteBuf bad) {
        EmbeddedChannel ch = new EmbeddedChannel(new PeerFrameDecoder());
        PeerFrameException e = assertThrows(PeerFrameException.class, () -> ch.writeInbound(bad));
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
        return e;
    }

    /** Copies out and releases. */
    static byte[] take(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
