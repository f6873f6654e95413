package net.twinblock.mirror.witness;

import static net.twinblock.mirror.witness.WitnessWire.assertRefused;
import static net.twinblock.mirror.witness.WitnessWire.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import net.twinblock.mirror.LeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the decoder does with headers a confused or hostile sender writes: refuse and close, never wait or guess. */
@ExtendWith(LeakGuard.class)
class WitnessFrameDecoderTest {

    @Test
    void aPeerLinkFrameOrZerosAreAnUnknownOpcode() {
        assertRefused(frame(0x01, 0, 0, 0, 0, Unpooled.buffer()), "unknown opcode 0x1");
        assertRefused(Unpooled.buffer().writeZero(40), "unknown opcode 0x0");
    }

    @Test
    void flagsAreRefused() {
        assertRefused(frame(WitnessFrameType.CHALLENGE.code(), 1, 32, 0, 0, Unpooled.buffer().writeZero(32)),
                "CHALLENGE takes no flags");
    }

    @Test
    void anOversizedPayloadIsRefusedBeforeItArrives() {
        assertRefused(frame(WitnessFrameType.REPLY.code(), 0, 300_000, 0, 0, Unpooled.buffer()), "REPLY payload of 300000");
    }

    @Test
    void severalFramesInOneReadAllComeOutAndNothingIsLeftBehind() {
        ByteBuf a = WitnessWire.encode(new PairRequest(WitnessFrameType.QUERY, 1, "p", "", 0));
        ByteBuf b = WitnessWire.encode(new PairRequest(WitnessFrameType.RENEW_LEASE, 2, "p", "a", 5));
        EmbeddedChannel ch = new EmbeddedChannel(new WitnessFrameDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(a, b));
        assertEquals(1, ((PairRequest) ch.readInbound()).requestId());
        assertEquals(2, assertInstanceOf(PairRequest.class, ch.readInbound()).requestId());
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void aGoodFrameBehindAMalformedOneInTheSameReadIsDropped() {
        ByteBuf good = WitnessWire.encode(new PairRequest(WitnessFrameType.QUERY, 1, "p", "", 0));
        assertRefused(Unpooled.wrappedBuffer(frame(0x7f, 0, 0, 0, 0, Unpooled.buffer()), good), "unknown opcode 0x7f");
    }
}
