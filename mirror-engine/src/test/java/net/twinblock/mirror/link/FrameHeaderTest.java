package net.twinblock.mirror.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class FrameHeaderTest {

    private static byte[] bytes(FrameHeader h) {
        ByteBuf buf = Unpooled.buffer();
        try {
            h.write(buf);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void fieldsSitWhereTheLayoutSays() {
        FrameHeader h = new FrameHeader(0x10, FrameHeader.FLAG_FUA, 0x08000, 0x01020304, 0x1122334455667788L);
        assertArrayEquals(new byte[] {
            0x10, 0x10, (byte) 0x80, 0x00, // opcode | flags nibble, length 0x08000
            0x01, 0x02, 0x03, 0x04, // sequence
            0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88 // argument
        }, bytes(h));
    }

    @Test
    void extremesRoundTrip() {
        FrameHeader[] cases = {
            new FrameHeader(0xff, 0xf, FrameHeader.MAX_PAYLOAD, -1, -1L),
            new FrameHeader(0, 0, 0, 0, 0),
            new FrameHeader(0x12, 0, 1, Integer.MIN_VALUE, Long.MAX_VALUE),
        };
        for (FrameHeader h : cases) {
            byte[] b = bytes(h);
            assertEquals(FrameHeader.LENGTH, b.length);
            ByteBuf in = Unpooled.wrappedBuffer(b);
            assertEquals(h, FrameHeader.read(in));
            assertEquals(0, in.readableBytes());
        }
        assertTrue(new FrameHeader(0x10, 1, 0, 0, 0).fua());
    }

    @Test
    void refusesValuesThatDoNotFitTheirBits() {
        assertThrows(IllegalArgumentException.class, () -> new FrameHeader(0x100, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new FrameHeader(1, 0x10, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new FrameHeader(1, 0, FrameHeader.MAX_PAYLOAD + 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new FrameHeader(1, 0, -1, 0, 0));
    }
}
