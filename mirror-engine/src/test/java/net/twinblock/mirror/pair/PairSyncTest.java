package net.twinblock.mirror.pair;

import static net.twinblock.mirror.pair.PairHarness.data;
import static net.twinblock.mirror.pair.PairHarness.primaryConfig;
import static net.twinblock.mirror.pair.PairHarness.random;
import static net.twinblock.mirror.pair.PairHarness.secondaryConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.store.FileVolume;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The initial full copy, and promotion of a secondary with the old primary rejoining. */
@ExtendWith(LeakGuard.class)
class PairSyncTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;
    private PairHarness h;

    @BeforeEach
    void setUp() {
        h = new PairHarness(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    @Test
    void aNewSecondaryGetsAFullCopyWhileHostWritesKeepLandingCorrectly() throws Exception {
        FileVolume a = h.volume("a.img");
        // The primary's volume holds data from before the pair existed (no metadata: not known empty).
        for (int i = 0; i < 16; i += 3) {
            a.write((long) i * MIB, data(random(MIB, i)), false).get(10, TimeUnit.SECONDS);
        }
        FileVolume b = h.volume("b.img");
        PairNode secondary = h.start(secondaryConfig(), b, true);
        PairNode primary = h.start(primaryConfig(secondary.listenAddress()), a, false);

        // Hold the last chunk so the copy cannot finish while we look at it and write.
        RangeLock.Lease last = primary.ranges().acquire(PairHarness.SIZE - MIB, MIB).get(10, TimeUnit.SECONDS);
        try {
            await().atMost(WAIT).until(() -> primary.status().syncDoneBytes() == PairHarness.SIZE - MIB);
            PairStatus s = primary.status();
            assertEquals(PairState.SYNCING, s.state());
            assertEquals(PairHarness.SIZE, s.syncTotalBytes());
            assertEquals(PairState.SYNCING, secondary.state());
            assertFalse(secondary.metadata().clean(), "a half-copied secondary knows it on disk");
            assertTrue(secondary.volume().read(0, 4096, UnpooledByteBufAllocator.DEFAULT).isCompletedExceptionally(),
                    "a half-copied secondary serves no reads");
        } finally {
            last.close();
        }
        await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC && secondary.state() == PairState.IN_SYNC);
        assertTrue(secondary.metadata().clean());
        primary.close();
        secondary.close();
        assertArrayEquals(PairHarness.file(a.file()), PairHarness.file(b.file()));
    }

    @Test
    void hostWritesDuringTheCopyAreNeverOverwrittenByOlderCopiedData() throws Exception {
        FileVolume a = h.volume("a.img");
        for (int i = 0; i < 16; i++) {
            a.write((long) i * MIB, data(random(MIB, 50 + i)), false).get(10, TimeUnit.SECONDS);
        }
        FileVolume b = h.volume("b.img");
        PairNode secondary = h.start(secondaryConfig(), b, true);
        PairNode primary = h.start(primaryConfig(secondary.listenAddress()), a, false);
        // Hold chunks 8..15: the copy stops with its workers queued on 8..11, while 12..15 are not
        // asked for yet. Host writes then queue after the copy on 8..11 and before it on 12..15,
        // and land on already copied chunks 0..7: every order a write and a copy can meet in.
        List<RangeLock.Lease> held = new ArrayList<>();
        for (int c = 8; c < 16; c++) {
            held.add(primary.ranges().acquire((long) c * MIB, MIB).get(10, TimeUnit.SECONDS));
        }
        await().atMost(WAIT).until(() -> primary.status().syncDoneBytes() == 8L * MIB
                && primary.ranges().size() == 8 + InitialCopy.WINDOW);
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 128; i++) {
            long offset = (long) (i % 16) * MIB + (long) (i / 16) * 64 * 1024;
            writes.add(primary.volume().write(offset, data(random(64 * 1024, 1000 + i)), false));
        }
        for (int i = 0; i < 8; i++) {
            writes.get(i).get(10, TimeUnit.SECONDS); // chunks 0..7: copied already, the writes just go
        }
        assertEquals(PairState.SYNCING, primary.state());
        held.forEach(RangeLock.Lease::close);
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC);
        primary.close();
        secondary.close();
        assertArrayEquals(PairHarness.file(a.file()), PairHarness.file(b.file()));
    }

    @Test
    void promotionIsRefusedWhileThePrimaryIsConnectedAndAllowedAfterItIsGone() throws Exception {
        InetSocketAddress oldPrimaryListen = PairHarness.freeAddress();
        FileVolume a = h.volume("a.img");
        FileVolume b = h.volume("b.img");
        // The default policy, SUSPEND: after promotion the node must still serve writes alone.
        PairNode secondary = h.start(secondaryConfig().withPeer(oldPrimaryListen)
                .withOnPeerLoss(OnPeerLoss.SUSPEND, Duration.ofSeconds(60)), b, true);
        PairNode primary = h.start(primaryConfig(secondary.listenAddress()), a, true);
        await().atMost(WAIT).until(() -> secondary.state() == PairState.IN_SYNC);
        primary.volume().write(0, data(random(4096, 1)), false).get(10, TimeUnit.SECONDS);

        IllegalStateException refused = assertThrows(IllegalStateException.class, secondary::promote);
        assertTrue(refused.getMessage().contains("still connected"), refused.getMessage());
        assertEquals(Role.SECONDARY, secondary.role());

        primary.close();
        await().atMost(WAIT).until(() -> secondary.state() == PairState.CONNECTING);
        List<Role> changes = new CopyOnWriteArrayList<>();
        secondary.onRoleChange(changes::add);
        long generation = secondary.metadata().generation();
        secondary.promote();
        assertEquals(Role.PRIMARY, secondary.role());
        assertEquals(List.of(Role.PRIMARY), changes);
        assertEquals(generation + 1, secondary.metadata().generation());

        byte[] after = random(8192, 2);
        // Well inside the 60 s suspend timeout: it completes because the promoted node serves alone.
        secondary.volume().write(4096, data(after), false).get(10, TimeUnit.SECONDS);
        assertArrayEquals(after, PairHarness.read(b, 4096, 8192));

        // The old primary comes back as the secondary, where the promoted node looks for it.
        PairNode rejoined = h.start(PairConfig.of(Role.SECONDARY, oldPrimaryListen, null, PairHarness.SECRET)
                .withHeartbeat(PairHarness.HEARTBEAT), a, false);
        await().atMost(WAIT).until(() -> secondary.state() == PairState.IN_SYNC && rejoined.state() == PairState.IN_SYNC);
        assertEquals(generation + 1, rejoined.metadata().generation(), "the rejoined node adopted the new generation");
        assertArrayEquals(after, PairHarness.read(a, 4096, 8192), "and got what was written while it was away");
        secondary.close();
        rejoined.close();
        assertArrayEquals(PairHarness.file(a.file()), PairHarness.file(b.file()));
    }

    @Test
    void aCleanRestartResumesInSyncButACrashedNodeGetsAFullCopy() throws Exception {
        FileVolume a = h.volume("a.img");
        FileVolume b = h.volume("b.img");
        PairNode secondary = h.start(secondaryConfig(), b, true);
        PairNode primary = h.start(primaryConfig(secondary.listenAddress()), a, true);
        await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC);
        primary.volume().write(0, data(random(65536, 1)), false).get(10, TimeUnit.SECONDS);
        primary.close();
        secondary.close();
        assertFalse(primary.metadata().open(), "a clean shutdown clears the dirty bit");

        PairNode secondary2 = h.start(secondaryConfig(), b, false);
        PairNode primary2 = h.start(primaryConfig(secondary2.listenAddress()), a, false);
        await().atMost(WAIT).until(() -> primary2.state() == PairState.IN_SYNC);
        assertEquals(0, primary2.metrics().get("mirror.full_copies"), "clean on both sides: no copy");
        assertTrue(primary2.metadata().open());
        primary2.close();
        secondary2.close();

        // The primary dies without a clean shutdown: its dirty bit stays set.
        PairMetadata.open(PairMetadata.fileFor(a.file()), false, Runnable::run).update(m -> m.withOpen(true)).join();
        PairNode secondary3 = h.start(secondaryConfig(), b, false);
        PairNode primary3 = h.start(primaryConfig(secondary3.listenAddress()), a, false);
        await().atMost(WAIT).until(() -> primary3.state() == PairState.IN_SYNC);
        assertEquals(1, primary3.metrics().get("mirror.full_copies"), "the crashed primary's copy was sent whole");
        assertTrue(primary3.metadata().clean(), "identical again after the copy");
        primary3.close();
        secondary3.close();
        assertArrayEquals(PairHarness.file(a.file()), PairHarness.file(b.file()));
    }
}
