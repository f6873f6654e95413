package net.twinblock.mirror.witness;

import static net.twinblock.mirror.witness.WitnessWire.assertRefused;
import static net.twinblock.mirror.witness.WitnessWire.bytes;
import static net.twinblock.mirror.witness.WitnessWire.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import net.twinblock.mirror.LeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@ExtendWith(LeakGuard.class)
class PairRequestCodecTest {

    private static final String IQN = "iqn.2026-01.net.twinblock:vol0";

    @ParameterizedTest
    @EnumSource(value = WitnessFrameType.class, names = {"RENEW_LEASE", "OUTDATE_PEER", "MARK_PEER_UP_TO_DATE",
            "REQUEST_PROMOTION"})
    void everyRequestAboutAnEpochRoundTrips(WitnessFrameType op) {
        PairRequest r = new PairRequest(op, -5, IQN, "nöde-a", Long.MAX_VALUE);
        assertEquals(r, WitnessWire.roundTrip(r));
    }

    @Test
    void forcePromoteAndQueryCarryNoEpochAndQueryNoNode() {
        PairRequest force = new PairRequest(WitnessFrameType.FORCE_PROMOTE, 1, IQN, "b", 0);
        assertEquals(force, WitnessWire.roundTrip(force));
        PairRequest query = new PairRequest(WitnessFrameType.QUERY, 2, IQN, "", 0);
        assertEquals(query, WitnessWire.roundTrip(query));
        assertThrows(IllegalArgumentException.class, () -> new PairRequest(WitnessFrameType.QUERY, 3, IQN, "a", 0));
        assertThrows(IllegalArgumentException.class, () -> new PairRequest(WitnessFrameType.FORCE_PROMOTE, 3, IQN, "a", 4));
        assertThrows(IllegalArgumentException.class, () -> new PairRequest(WitnessFrameType.REPLY, 3, IQN, "a", 4));
    }

    @Test
    void namesOfTheLongestLengthRoundTripAndLongerOnesCannotBeSent() {
        PairRequest r = new PairRequest(WitnessFrameType.RENEW_LEASE, 1, "p".repeat(255), "n".repeat(255), 3);
        assertEquals(r, WitnessWire.roundTrip(r));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PairRequest(WitnessFrameType.RENEW_LEASE, 1, "p".repeat(256), "n", 3));
        assertEquals("pair id is 256 bytes of UTF-8, at most 255", e.getMessage());
    }

    @Test
    void lengthsThatDoNotAddUpAreRefused() {
        assertRefused(frame(WitnessFrameType.RENEW_LEASE, 1, 0, body(3, 1, "ab", "c")), "does not match its name lengths 3 and 1");
        assertRefused(frame(WitnessFrameType.RENEW_LEASE, 1, 0, body(1, 1, "ab", "c")), "does not match");
    }

    @Test
    void emptyNamesNegativeEpochsAndBadUtf8AreRefused() {
        assertRefused(frame(WitnessFrameType.RENEW_LEASE, 1, 0, body(0, 1, "", "a")), "pair id is empty");
        assertRefused(frame(WitnessFrameType.OUTDATE_PEER, 1, 0, body(1, 0, "p", "")), "node name is empty");
        assertRefused(frame(WitnessFrameType.REQUEST_PROMOTION, 1, -1, body(1, 1, "p", "a")), "negative epoch -1");
        assertRefused(frame(WitnessFrameType.QUERY, 1, 7, body(1, 0, "p", "")), "QUERY takes no epoch");
        ByteBuf bad = bytes(1, 1, 0xff, 'a');
        assertRefused(frame(WitnessFrameType.RENEW_LEASE, 1, 0, bad), "pair id is not valid UTF-8");
    }

    @Test
    void tooLongAPayloadIsRefusedFromTheHeaderAlone() {
        assertRefused(frame(WitnessFrameType.QUERY.code(), 0, 513, 1, 0, Unpooled.buffer()), "QUERY payload of 513");
        assertRefused(frame(WitnessFrameType.QUERY.code(), 0, 2, 1, 0, Unpooled.buffer()), "QUERY payload of 2");
    }

    private static ByteBuf body(int pairLength, int nodeLength, String pair, String node) {
        return Unpooled.buffer().writeByte(pairLength).writeByte(nodeLength)
                .writeBytes(pair.getBytes(StandardCharsets.UTF_8)).writeBytes(node.getBytes(StandardCharsets.UTF_8));
    }
}
