package net.twinblock.mirror.pair;

import static net.twinblock.mirror.pair.PairHarness.data;
import static net.twinblock.mirror.pair.PairHarness.primaryConfig;
import static net.twinblock.mirror.pair.PairHarness.random;
import static net.twinblock.mirror.pair.PairHarness.secondaryConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.store.FileVolume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secondary's copy is inconsistent, on disk, from before the first out-of-order copy of a
 * resync lands until its primary says "in sync"; promotion refuses it unless forced.
 */
@ExtendWith(LeakGuard.class)
class PromoteConsistencyTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** A primary whose volume holds data from before it was paired: a new secondary needs a full copy. */
    private FileVolume written(PairHarness h, String name) throws Exception {
        FileVolume v = h.volume(name);
        for (int i = 0; i < 64; i++) {
            v.write(i * 256L * 1024, data(random(64 * 1024, i)), false).get(30, TimeUnit.SECONDS);
        }
        return v;
    }

    private PairMetadata.Meta onDisk(String volume) {
        return PairMetadata.open(PairMetadata.fileFor(dir.resolve(volume)), false, Runnable::run).get();
    }

    @Test
    void aCopyCutOffMidResyncIsInconsistentOnDiskAcrossARestartAndPromotesOnlyByForce() throws Exception {
        try (PairHarness h = new PairHarness(dir)) {
            FileVolume a = written(h, "a.img");
            FileVolume b = h.volume("b.img");
            PairNode secondary = h.start(secondaryConfig().withNodeName("beta"), b, true);
            try (LinkCutter cable = new LinkCutter(secondary.listenAddress())) {
                // The primary's frames reach the secondary, its acks never come back: the copy never ends.
                cable.restoreHoldingReplies();
                PairNode primary = h.start(primaryConfig(cable.address()).withNodeName("alpha"), a, false);
                await().atMost(WAIT).until(() -> secondary.metrics().get("mirror.received_applied") > 0);
                // A copy is on the secondary's disk: the flag was durable before it (the receiver's barrier).
                PairMetadata.Meta seen = onDisk("b.img");
                assertFalse(seen.consistent(), "copy applied before the inconsistent flag was durable: " + seen);
                assertEquals("alpha", seen.resync().primary());
                assertEquals(1L, secondary.metrics().get("pair.inconsistent"));

                primary.close();
                cable.cut();
                await().atMost(WAIT).until(() -> secondary.status().peer() == null);
                IllegalStateException refused = assertThrows(IllegalStateException.class, secondary::promote);
                assertTrue(refused.getMessage().contains("this copy is inconsistent: LUN 0: a resync from alpha was at "),
                        refused.getMessage());
                assertTrue(refused.getMessage().contains("promote --force"), refused.getMessage());
                assertEquals(Role.SECONDARY, secondary.role());
            }
            secondary.close();

            // A restart (clean or not) does not make the half copy whole: still refused.
            PairNode again = h.start(secondaryConfig().withNodeName("beta"), b, false);
            assertFalse(again.metadata().consistent());
            IllegalStateException refused = assertThrows(IllegalStateException.class, again::promote);
            assertTrue(refused.getMessage().contains("a resync from alpha was at "), refused.getMessage());

            again.promote(true);
            assertEquals(Role.PRIMARY, again.role());
            assertTrue(onDisk("b.img").consistent(), "a primary is nobody's resync target");
        }
    }

    @Test
    void theFlagIsClearedOnDiskWhenThePrimarySaysInSyncAndAnInSyncSecondaryPromotes() throws Exception {
        try (PairHarness h = new PairHarness(dir)) {
            FileVolume a = written(h, "a.img");
            FileVolume b = h.volume("b.img");
            PairNode secondary = h.start(secondaryConfig(), b, true);
            PairNode primary = h.start(primaryConfig(secondary.listenAddress()), a, false);
            await().atMost(WAIT).until(() -> secondary.state() == PairState.IN_SYNC);
            await().atMost(WAIT).until(() -> onDisk("b.img").clean());
            assertTrue(onDisk("b.img").consistent());
            assertEquals(1L, primary.metrics().get("mirror.full_copies"), "the test needs a real copy");

            primary.close();
            await().atMost(WAIT).until(() -> secondary.status().peer() == null);
            secondary.promote(); // in sync when the primary went: promotable without force
            assertEquals(Role.PRIMARY, secondary.role());
        }
    }
}
