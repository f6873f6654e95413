package net.twinblock.mirror.pair;

import static net.twinblock.mirror.pair.PairHarness.data;
import static net.twinblock.mirror.pair.PairHarness.primaryConfig;
import static net.twinblock.mirror.pair.PairHarness.random;
import static net.twinblock.mirror.pair.PairHarness.secondaryConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.Volume;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two real pair nodes over loopback TCP: what reaches the primary's volume reaches both files. */
@ExtendWith(LeakGuard.class)
class PairNodeTest {

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

    private PairNode secondary;
    private PairNode primary;
    private FileVolume secondaryFile;
    private FileVolume primaryFile;

    private void startPair() {
        secondaryFile = h.volume("b.img");
        primaryFile = h.volume("a.img");
        secondary = h.start(secondaryConfig(), secondaryFile, true);
        primary = h.start(primaryConfig(secondary.listenAddress()), primaryFile, true);
        await().atMost(Duration.ofSeconds(10)).until(() -> primary.state() == PairState.IN_SYNC
                && secondary.state() == PairState.IN_SYNC);
    }

    @Test
    void newPairStartsInSyncAndWritesReachBothFilesByteIdentical() throws Exception {
        startPair();
        assertEquals(0, primary.metrics().get("mirror.sync_total_bytes"), "two new volumes need no copy");
        Volume v = primary.volume();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            int length = 512 * (1 + (i * 37) % 256); // 512 B .. 128 KiB: both framings
            writes.add(v.write((long) i * 128 * 1024, data(random(length, i)), i % 5 == 0));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertEquals(64, secondary.metrics().get("mirror.received_applied"));
        primary.close();
        secondary.close();
        assertArrayEquals(PairHarness.file(primaryFile.file()), PairHarness.file(secondaryFile.file()));
        assertTrue(primary.metadata().paired() && secondary.metadata().paired());
        assertEquals(primary.metadata().volumeId(), secondary.metadata().volumeId(), "the secondary adopted the pair's id");
    }
}
