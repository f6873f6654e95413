package net.twinblock.mirror.pair;

import static net.twinblock.mirror.pair.PairHarness.primaryConfig;
import static net.twinblock.mirror.pair.PairHarness.secondaryConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import net.twinblock.mirror.LeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The role in a config file is a preference, never permission: a node configured primary serves
 * only once its partner confirmed it holds no newer data, or an administrator forced it.
 */
@ExtendWith(LeakGuard.class)
class ServingGateTest {

    @TempDir
    Path dir;

    @Test
    void aPrimaryWhosePartnerIsUnreachableServesNothingUntilForced() throws Exception {
        try (PairHarness h = new PairHarness(dir)) {
            PairNode alone = h.start(primaryConfig(PairHarness.freeAddress()), h.volume("a.img"), false);
            assertFalse(alone.serving());
            assertEquals(NodeAccess.UNAVAILABLE, alone.access());
            assertTrue(alone.notServing().contains("waiting for its partner"), alone.notServing());
            String refused = assertThrows(IllegalStateException.class, alone::promote).getMessage();
            assertTrue(refused.contains("promote --force"), refused);
            alone.promote(true);
            assertTrue(alone.serving());
            assertNull(alone.notServing());
        }
    }

    @Test
    void aPrimaryServesOnceItsPartnerConfirmedEveryVolume() {
        try (PairHarness h = new PairHarness(dir)) {
            PairNode secondary = h.start(secondaryConfig(), h.volume("b.img"), true);
            assertEquals(NodeAccess.STANDBY, secondary.access(), "a secondary without its primary could serve nothing");
            assertTrue(secondary.notServing().contains("without its primary"), secondary.notServing());
            PairNode primary = h.start(primaryConfig(secondary.listenAddress()), h.volume("a.img"), true);
            await().atMost(Duration.ofSeconds(20)).until(primary::serving);
            assertEquals(NodeAccess.PRIMARY, primary.access());
            await().atMost(Duration.ofSeconds(20)).until(() -> secondary.access() == NodeAccess.SECONDARY);
        }
    }
}
