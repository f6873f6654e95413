package net.twinblock.mirror.witness;

import static net.twinblock.mirror.witness.WitnessWire.assertRefused;
import static net.twinblock.mirror.witness.WitnessWire.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.link.SharedKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakGuard.class)
class HelloCodecTest {

    @Test
    void aHelloCarriesTheVersionInTheArgumentAndTheNonceAsPayload() {
        byte[] nonce = SharedKey.newNonce();
        ByteBuf bytes = WitnessWire.encode(new WitnessHello(7, nonce));
        try {
            assertEquals(16 + 32, bytes.readableBytes());
            assertEquals(0x81, bytes.getUnsignedByte(0));
            assertEquals(7, bytes.getLong(8));
        } finally {
            bytes.release();
        }
        WitnessHello back = WitnessWire.roundTrip(new WitnessHello(7, nonce));
        assertEquals(7, back.version());
        assertArrayEquals(nonce, back.nonce());
    }

    @Test
    void aVersionOutOfRangeOrASequenceIsRefused() {
        assertRefused(frame(WitnessFrameType.HELLO, 0, 0, Unpooled.buffer().writeZero(32)), "protocol version 0");
        assertRefused(frame(WitnessFrameType.HELLO, 0, 1L << 16, Unpooled.buffer().writeZero(32)), "out of range");
        assertRefused(frame(WitnessFrameType.HELLO, 5, 1, Unpooled.buffer().writeZero(32)), "reserved sequence is 5");
    }

    @Test
    void aNonceOfAnotherLengthIsRefused() {
        assertRefused(frame(WitnessFrameType.HELLO, 0, 1, Unpooled.buffer().writeZero(31)), "HELLO payload of 31");
        assertRefused(frame(WitnessFrameType.HELLO, 0, 1, Unpooled.buffer().writeZero(33)), "HELLO payload of 33");
    }
}
