package net.twinblock.mirror.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/** Witness frames through a real encoder and decoder in EmbeddedChannels, for the codec tests. */
final class WitnessWire {

    private WitnessWire() {
    }

    /** The bytes the encoder writes for {@code m} (caller releases). */
    static ByteBuf encode(WitnessMessage m) {
        EmbeddedChannel out = new EmbeddedChannel(new WitnessFrameEncoder());
        out.writeOutbound(m);
        ByteBuf bytes = out.readOutbound();
        assertNull(out.readOutbound(), "one frame per message");
        out.finishAndReleaseAll();
        return bytes;
    }

    /** Encodes {@code m}, feeds the bytes to a decoder one byte at a time (the worst split), returns what it decoded. */
    @SuppressWarnings("unchecked")
    static <M extends WitnessMessage> M roundTrip(M m) {
        ByteBuf bytes = encode(m);
        EmbeddedChannel in = new EmbeddedChannel(new WitnessFrameDecoder());
        try {
            while (bytes.isReadable()) {
                in.writeInbound(bytes.readRetainedSlice(1));
            }
            Object decoded = in.readInbound();
            assertNull(in.readInbound(), "one message per frame");
            assertTrue(in.isOpen());
            return (M) decoded;
        } finally {
            bytes.release();
            in.finishAndReleaseAll();
        }
    }

    /** A frame written by hand: the 16-byte header and {@code body}. */
    static ByteBuf frame(WitnessFrameType type, int sequence, long argument, ByteBuf body) {
        return frame(type.code(), 0, body.readableBytes(), sequence, argument, body);
    }

    static ByteBuf frame(int opcode, int flags, int length, int sequence, long argument, ByteBuf body) {
        ByteBuf b = Unpooled.buffer();
        b.writeInt(opcode << 24 | flags << 20 | length);
        b.writeInt(sequence);
        b.writeLong(argument);
        b.writeBytes(body);
        body.release();
        return b;
    }

    /** Feeds {@code bytes}; expects a WitnessFrameException naming {@code reason}, a closed channel and nothing decoded. */
    static void assertRefused(ByteBuf bytes, String reason) {
        EmbeddedChannel ch = new EmbeddedChannel(new WitnessFrameDecoder());
        WitnessFrameException e = assertThrows(WitnessFrameException.class, () -> ch.writeInbound(bytes));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertFalse(ch.isOpen(), "a malformed frame closes the connection");
        assertNull(ch.readInbound());
        assertEquals(0, bytes.refCnt());
        ch.finishAndReleaseAll();
    }

    static ByteBuf bytes(int... values) {
        ByteBuf b = Unpooled.buffer();
        for (int v : values) {
            b.writeByte(v);
        }
        return b;
    }
}
