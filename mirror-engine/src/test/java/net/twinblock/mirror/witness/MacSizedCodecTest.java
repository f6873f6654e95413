package net.twinblock.mirror.witness;

import static net.twinblock.mirror.witness.WitnessWire.assertRefused;
import static net.twinblock.mirror.witness.WitnessWire.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.link.SharedKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** CHALLENGE and PROOF: 32 bytes and nothing else. */
@ExtendWith(LeakGuard.class)
class MacSizedCodecTest {

    @Test
    void aChallengeIsTheWitnessNonceAndNothingElse() {
        byte[] nonce = SharedKey.newNonce();
        ByteBuf bytes = WitnessWire.encode(new WitnessChallenge(nonce));
        try {
            assertEquals(0x82, bytes.getUnsignedByte(0));
            assertEquals(16 + 32, bytes.readableBytes());
        } finally {
            bytes.release();
        }
        assertArrayEquals(nonce, WitnessWire.roundTrip(new WitnessChallenge(nonce)).nonce());
    }

    @Test
    void aProofIsThirtyTwoBytesOfMac() {
        byte[] mac = SharedKey.newNonce();
        assertArrayEquals(mac, WitnessWire.roundTrip(new KeyProof(mac)).mac());
        assertThrows(IllegalArgumentException.class, () -> new KeyProof(new byte[31]));
    }

    @Test
    void reservedFieldsAndOtherLengthsAreRefused() {
        assertRefused(frame(WitnessFrameType.CHALLENGE, 0, 1, Unpooled.buffer().writeZero(32)), "reserved argument is 1");
        assertRefused(frame(WitnessFrameType.CHALLENGE, 1, 0, Unpooled.buffer().writeZero(32)), "reserved sequence is 1");
        assertRefused(frame(WitnessFrameType.CHALLENGE, 0, 0, Unpooled.buffer().writeZero(16)), "CHALLENGE payload of 16");
        assertRefused(frame(WitnessFrameType.PROOF, 0, 0, Unpooled.buffer().writeZero(31)), "PROOF payload of 31");
        assertRefused(frame(WitnessFrameType.PROOF, 0, 9, Unpooled.buffer().writeZero(32)), "reserved argument is 9");
    }
}
