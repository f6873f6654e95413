package net.twinblock.mirror.pair;

import static net.twinblock.mirror.pair.PairHarness.data;
import static net.twinblock.mirror.pair.PairHarness.primaryConfig;
import static net.twinblock.mirror.pair.PairHarness.random;
import static net.twinblock.mirror.pair.PairHarness.read;
import static net.twinblock.mirror.pair.PairHarness.secondaryConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.resync.ScrubSettings;
import net.twinblock.mirror.resync.GenerationHistory;
import net.twinblock.mirror.store.DiskHealth;
import net.twinblock.mirror.store.FileVolume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary whose disk is detached is never a resync's source: restarted as primary it links to a
 * secondary holding the current copy without copying anything and goes on through it; a secondary
 * whose copy is not known current is refused at the handshake, with the repair named, and its copy
 * is left as it was.
 */
@ExtendWith(LeakGuard.class)
class DetachedPrimaryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int CHUNK = 64 * 1024;
    private static final GenerationHistory GENERATION = GenerationHistory.none().firstGeneration();

    @TempDir
    Path dir;

    @Test
    void aSecondaryHoldingThePrimarysGenerationCleanIsCurrent() {
        assertNull(DetachedPrimary.whyNotCurrent(GENERATION, secondary(PeerIdentity.FLAG_CLEAN), GENERATION.encode()));
    }

    @Test
    void aSecondaryThatLacksWritesMadeWithoutItIsNot() {
        String why = DetachedPrimary.whyNotCurrent(GENERATION.newCurrent(), secondary(PeerIdentity.FLAG_CLEAN),
                GENERATION.encode());
        assertTrue(why.contains("lacks writes made without it") && why.contains("promote beta"), why);
    }

    @Test
    void anUnfinishedResyncTargetANewSecondaryOrNoGenerationsAreNot() {
        assertTrue(DetachedPrimary.whyNotCurrent(GENERATION, secondary(0), GENERATION.encode()).contains("not clean"));
        PeerIdentity fresh = new PeerIdentity("beta", "v", 1 << 20, 512, 0, PeerIdentity.FLAG_CLEAN);
        assertTrue(DetachedPrimary.whyNotCurrent(GENERATION, fresh, GENERATION.encode()).contains("new to this pair"));
        assertTrue(DetachedPrimary.whyNotCurrent(GENERATION, secondary(PeerIdentity.FLAG_CLEAN), null)
                .contains("cannot tell"));
    }

    @Test
    void aDetachedPrimaryRestartedAsPrimaryLinksWithoutAResyncAndServesThroughItsSecondary() throws Exception {
        try (PairHarness h = new PairHarness(dir)) {
            FileVolume b = h.volume("b.img");
            PairNode secondary = h.start(secondaryConfig(), b, true);
            byte[] before = random(CHUNK, 1);
            byte[] detached = random(CHUNK, 2);
            byte[] restarted = random(CHUNK, 3);
            FileVolume a = detachable(h);
            try (PairNode primary = PairNode.start(primaryConfig(secondary.listenAddress()), a, h.group,
                    NioServerSocketChannel.class, NioSocketChannel.class, PairOptions.defaults().withVolumeCreated(true))) {
                await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC);
                primary.volume().write(0, data(before), false).get(30, TimeUnit.SECONDS);
                a.health().markFailed("injected I/O error");
                primary.volume().write(CHUNK, data(detached), false).get(30, TimeUnit.SECONDS);
            }
            a.close();
            // The stop could not flush the detached image: the restart sees a crash, and a stale copy.
            FileVolume again = detachable(h);
            PairNode primary = h.start(primaryConfig(secondary.listenAddress()), again, false);
            assertTrue(again.health().detached(), "detached again at the start");
            await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC);
            primary.volume().write(2 * CHUNK, data(restarted), true).get(30, TimeUnit.SECONDS);
            primary.volume().flush().get(30, TimeUnit.SECONDS);

            assertEquals(0L, primary.metrics().get("mirror.full_copies"));
            assertEquals(0L, primary.metrics().get("resync.bitmap_resyncs"));
            assertEquals(0L, primary.metrics().get("record.resync_bytes_total"));
            assertEquals(1L, primary.metrics().get("mirror.link_ups"), "linked once, not refused and redialled");
            assertArrayEquals(before, read(b, 0, CHUNK), "acknowledged before the detach");
            assertArrayEquals(detached, read(b, CHUNK, CHUNK), "acknowledged by the detached primary");
            assertArrayEquals(restarted, read(b, 2 * CHUNK, CHUNK), "acknowledged after the restart");
            assertTrue(secondary.metadata().clean() && secondary.metadata().consistent());
        }
    }

    @Test
    void aSecondaryThatMissedWritesIsRefusedAndKeepsItsCopyAsItWas() throws Exception {
        try (PairHarness h = new PairHarness(dir)) {
            FileVolume a = detachable(h);
            FileVolume b = h.volume("b.img");
            PairNode secondary = h.start(secondaryConfig(), b, true);
            try (LinkCutter cable = new LinkCutter(secondary.listenAddress());
                    PairNode primary = PairNode.start(primaryConfig(cable.address())
                            .withOnPeerLoss(OnPeerLoss.CONTINUE, Duration.ofSeconds(5)), a, h.group,
                            NioServerSocketChannel.class, NioSocketChannel.class,
                            PairOptions.defaults().withVolumeCreated(true))) {
                await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC);
                primary.volume().write(0, data(random(CHUNK, 1)), false).get(30, TimeUnit.SECONDS);
                cable.cut();
                await().atMost(WAIT).until(() -> primary.state() == PairState.DEGRADED);
                // Written on the primary alone, then its disk fails: no copy holds that write but a detached one.
                primary.volume().write(CHUNK, data(random(CHUNK, 2)), false).get(30, TimeUnit.SECONDS);
                a.health().markFailed("injected I/O error");
                long ups = primary.metrics().get("mirror.link_ups");
                cable.restore();

                await().atMost(WAIT).until(() -> primary.volume(0).refusal() != null);
                String why = primary.volume(0).refusal();
                assertTrue(why.contains("no copy is known current") && why.contains("promote"), why);
                await().atMost(WAIT).until(() -> secondary.volume(0).refusal() != null);
                assertEquals(ups, primary.metrics().get("mirror.link_ups"), "the link never came up");
                assertNotEquals(PairState.IN_SYNC, primary.state());
                assertTrue(secondary.metadata().consistent(), "no resync was started to the secondary");
            }
        }
    }

    @Test
    void aDetachedPrimaryRefusesToScrubItsStaleCopyAndNeverRepairsTheSecondaryFromIt() throws Exception {
        try (PairHarness h = new PairHarness(dir); LogCapture log = new LogCapture()) {
            FileVolume b = h.volume("b.img");
            PairNode secondary = h.start(secondaryConfig(), b, true);
            FileVolume a = detachable(h);
            byte[] before = random(CHUNK, 1);
            byte[] detached = random(CHUNK, 2);
            try (PairNode primary = PairNode.start(primaryConfig(secondary.listenAddress()), a, h.group,
                    NioServerSocketChannel.class, NioSocketChannel.class, PairOptions.defaults().withVolumeCreated(true))) {
                // Repairing scrubs, back to back: one of the stale copy would copy it over the secondary's.
                primary.configureScrub(ScrubSettings.defaults().withRepair(true).withInterval(Duration.ofMillis(20)));
                await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC);
                primary.volume().write(0, data(before), false).get(30, TimeUnit.SECONDS);
                await().atMost(WAIT).until(() -> primary.metrics().get("scrub.runs") >= 2); // scrubs run until the detach
                int detachedAt = log.lines.size();
                a.health().markFailed("injected I/O error");
                // The secondary's alone: the primary's image is stale here from now on.
                primary.volume().write(CHUNK, data(detached), false).get(30, TimeUnit.SECONDS);

                IllegalStateException refused = assertThrows(IllegalStateException.class, primary::verify);
                assertTrue(refused.getMessage().contains("LUN 0: no scrub: this node's copy is detached after a disk"
                        + " failure (injected I/O error)"), refused.getMessage());
                await().atMost(WAIT).until(() -> log.contains("LUN 0: no more scrubs: this node's copy is detached"));
                // For fifteen scrub intervals none may run, none may repair, nothing more is said.
                await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> log.lines.stream()
                        .filter(l -> l.contains("no more scrubs")).count() == 1
                        && log.lines.stream().noneMatch(l -> l.startsWith("scrub: blocks ")));
                List<String> since = log.lines.subList(detachedAt, log.lines.size());
                assertTrue(since.stream().filter(l -> l.contains("scrub failed")).count() <= 1,
                        "at most the scrub running at the detach fails, once: " + since);
                assertTrue(log.lines.stream().noneMatch(l -> l.startsWith("scrub: blocks ")), log.lines.toString());
                assertArrayEquals(before, read(b, 0, CHUNK));
                assertArrayEquals(detached, read(b, CHUNK, CHUNK), "the current copy was repaired from the stale one");
            }
        }
    }

    private static PeerIdentity secondary(int flags) {
        return new PeerIdentity("beta", "v", 1 << 20, 512, 0, PeerIdentity.FLAG_PAIRED | flags);
    }

    /** The primary's image, under disk.on-error=detach as the node sets it before the pair opens. */
    private static FileVolume detachable(PairHarness h) {
        FileVolume a = h.volume("a.img");
        a.health().policy(DiskHealth.OnError.DETACH);
        return a;
    }
}
