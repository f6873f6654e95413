package net.twinblock.mirror.pair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PairConfigTest {

    private static final InetSocketAddress ADDR = new InetSocketAddress("127.0.0.1", 3261);
    private static final byte[] SECRET = new byte[16];

    private static String refusal(Runnable r) {
        return assertThrows(RuntimeException.class, r::run).getMessage();
    }

    @Test
    void badValuesAreRefusedNamingTheConfigKey() {
        assertTrue(refusal(() -> PairConfig.of(Role.SECONDARY, null, ADDR, SECRET)).contains("mirror.listen"));
        assertTrue(refusal(() -> PairConfig.of(Role.PRIMARY, ADDR, null, SECRET)).contains("mirror.peer"));
        assertTrue(refusal(() -> PairConfig.of(Role.PRIMARY, null, ADDR, new byte[15])).contains("mirror.secret"));
        PairConfig ok = PairConfig.of(Role.PRIMARY, null, ADDR, SECRET);
        assertTrue(refusal(() -> ok.withSmallWriteThreshold(2 << 20)).contains("mirror.small-write-threshold"));
        assertTrue(refusal(() -> ok.withOnPeerLoss(OnPeerLoss.SUSPEND, Duration.ZERO)).contains("mirror.suspend-timeout"));
        assertTrue(refusal(() -> ok.withHeartbeat(Duration.ofMillis(1))).contains("mirror.heartbeat"));
    }

    @Test
    void defaultsAndTheSecretStaysPrivate() {
        PairConfig c = PairConfig.of(Role.PRIMARY, null, ADDR, "0123456789abcdef".getBytes());
        assertEquals(32 * 1024, c.smallWriteThreshold());
        assertEquals(OnPeerLoss.SUSPEND, c.onPeerLoss());
        assertEquals(Duration.ofSeconds(30), c.suspendTimeout());
        assertEquals(Duration.ofSeconds(1), c.heartbeat());
        assertFalse(c.toString().contains("0123456789abcdef"));
        c.secret()[0] = 'X';
        assertEquals('0', c.secret()[0], "callers get a copy");
    }
}
