package net.twinblock.mirror.witness;

import static net.twinblock.mirror.witness.WitnessWire.assertRefused;
import static net.twinblock.mirror.witness.WitnessWire.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.twinblock.mirror.LeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@ExtendWith(LeakGuard.class)
class PairReplyCodecTest {

    @ParameterizedTest
    @EnumSource(Verdict.class)
    void everyVerdictRoundTripsWithTheState(Verdict v) {
        long lease = v == Verdict.GRANTED ? 3_000_000_000L : 0;
        PairReply r = new PairReply(42, v, 17, "node-b", PeerState.OUTDATED, lease, 1_234_567);
        assertEquals(r, WitnessWire.roundTrip(r));
    }

    @Test
    void aReplyWithoutStateShowsNone() {
        PairReply r = new PairReply(1, Verdict.OTHER_KEY, 0, "", null, 0, 0);
        assertEquals(r, WitnessWire.roundTrip(r));
        assertThrows(IllegalArgumentException.class, () -> new PairReply(1, Verdict.OTHER_KEY, 3, "", null, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new PairReply(1, Verdict.LEASE_HELD, 3, "a",
                PeerState.UP_TO_DATE, 5, 0));
    }

    @Test
    void unknownCodesAndLengthsThatDoNotAddUpAreRefused() {
        assertRefused(frame(WitnessFrameType.REPLY, 1, 0, body(99, 1, 1, 0, "a")), "unknown verdict 99");
        assertRefused(frame(WitnessFrameType.REPLY, 1, 0, body(0, 3, 1, 0, "a")), "unknown peer state 3");
        assertRefused(frame(WitnessFrameType.REPLY, 1, 0, body(0, 1, 1, 1, "a")), "reserved byte is 1");
        assertRefused(frame(WitnessFrameType.REPLY, 1, 0, body(0, 1, 2, 0, "a")), "does not match its primary's length 2");
        assertRefused(frame(WitnessFrameType.REPLY, 1, 0, body(0, 0, 1, 0, "a")), "a reply without state");
    }

    private static ByteBuf body(int verdict, int peer, int primaryLength, int reserved, String primary) {
        return Unpooled.buffer().writeByte(verdict).writeByte(peer).writeByte(primaryLength).writeByte(reserved)
                .writeLong(0).writeLong(0).writeBytes(primary.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
