package net.twinblock.mirror.witness;

import static net.twinblock.mirror.witness.WitnessWire.assertRefused;
import static net.twinblock.mirror.witness.WitnessWire.bytes;
import static net.twinblock.mirror.witness.WitnessWire.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import net.twinblock.mirror.LeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakGuard.class)
class WitnessErrorCodecTest {

    @Test
    void anErrorCarriesItsCodeAndWords() {
        WitnessError back = WitnessWire.roundTrip(new WitnessError(WitnessErrorCode.AUTH_FAILED, "authentication failed – ü"));
        assertEquals(WitnessErrorCode.AUTH_FAILED, back.code());
        assertEquals("authentication failed – ü", back.message());
    }

    @Test
    void aLongMessageIsCutAtACharacterBoundary() {
        WitnessError e = new WitnessError(WitnessErrorCode.PROTOCOL_ERROR, "é".repeat(1000));
        int length = e.message().getBytes(StandardCharsets.UTF_8).length;
        assertTrue(length <= 1024 && length >= 1022, "cut to " + length);
        assertEquals(e.message(), WitnessWire.roundTrip(e).message());
    }

    @Test
    void anUnknownCodeOrBrokenUtf8IsRefused() {
        assertRefused(frame(WitnessFrameType.ERROR, 0, 99, Unpooled.buffer()), "unknown error code 99");
        assertRefused(frame(WitnessFrameType.ERROR, 0, 1, bytes(0xc3)), "not valid UTF-8");
        assertRefused(frame(WitnessFrameType.ERROR.code(), 0, 1025, 0, 1, Unpooled.buffer()), "ERROR payload of 1025");
    }
}
