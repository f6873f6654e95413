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

import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
        await().atMost(WAIT).until(() -> primary.state() == PairState.SYNCING);
        // Writes spread over the whole volume race the copy: some land before their chunk is copied,
        // some while it is in flight, some after.
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 128; i++) {
            long offset = (long) ((i * 7919) % 16) * MIB + (long) (i % 8) * 64 * 1024;
            writes.add(primary.volume().write(offset, data(random(64 * 1024, 1000 + i)), false));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC);
        primary.close();
        secondary.close();
        assertArrayEquals(PairHarness.file(a.file()), PairHarness.file(b.file()));
    }

    @Test
    void promotionIsRefusedWhileThePrimaryIsConnectedAndAllowedAfterItIsGone() throws Exception {
        int oldPrimaryPort;
        try (ServerSocket free = new ServerSocket(0)) {
            oldPrimaryPort = free.getLocalPort();
        }
        InetSocketAddress oldPrimaryListen = new InetSocketAddress("127.0.0.1", oldPrimaryPort);
        FileVolume a = h.volume("a.img");
        FileVolume b = h.volume("b.img");
        PairNode secondary = h.start(secondaryConfig().withPeer(oldPrimaryListen)
                .withOnPeerLoss(OnPeerLoss.CONTINUE, Duration.ofSeconds(30)), b, true);
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
        secondary.volume().write(4096, data(after), false).get(10, TimeUnit.SECONDS); // now local + degraded
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
}
