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

    @Test
    void smallWritesTakeOneFrameAndLargeWritesAtLeastThree() throws Exception {
        startPair();
        Volume v = primary.volume();
        for (int i = 0; i < 10; i++) {
            v.write((long) i * 4096, data(random(4096, i)), false).get(10, TimeUnit.SECONDS);
        }
        for (int i = 0; i < 4; i++) {
            v.write(1024 * 1024 + (long) i * 512 * 1024, data(random(512 * 1024, 100 + i)), false)
                    .get(10, TimeUnit.SECONDS);
        }
        var m = secondary.metrics();
        assertEquals(10, m.get("mirror.received_small_writes"));
        assertEquals(10, m.get("mirror.received_small_frames"), "a small write is exactly one frame");
        assertEquals(4, m.get("mirror.received_large_writes"));
        assertTrue(m.get("mirror.received_large_frames") >= 3 * 4, "BEGIN, DATA..., END: " + m);
        assertEquals(14, primary.metrics().get("mirror.writes_mirrored"));
    }

    @Test
    void overlappingConcurrentWritesEndIdenticalOnBothNodes() throws Exception {
        startPair();
        Volume v = primary.volume();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        // 200 writes into the same 256 KiB, of mixed sizes and offsets, all in flight at once.
        for (int i = 0; i < 200; i++) {
            int length = 512 * (1 + (i * 13) % 128);
            long offset = 512L * ((i * 29) % (512 - length / 512));
            writes.add(v.write(offset, data(random(length, 1000 + i)), false));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        byte[] a = PairHarness.read(primaryFile, 0, 256 * 1024);
        byte[] b = PairHarness.read(secondaryFile, 0, 256 * 1024);
        assertArrayEquals(a, b);
    }

    @Test
    void fuaAndFlushMakeTheSecondaryDurable() throws Exception {
        startPair();
        Volume v = primary.volume();
        long before = secondary.metrics().get("journal.syncs");
        v.write(0, data(random(4096, 1)), false).get(10, TimeUnit.SECONDS);
        assertEquals(before, secondary.metrics().get("journal.syncs"), "a plain write does not fdatasync the secondary");
        v.write(4096, data(random(4096, 2)), true).get(10, TimeUnit.SECONDS);
        long afterFua = secondary.metrics().get("journal.syncs");
        assertTrue(afterFua > before, "FUA fdatasyncs the secondary's journal before the write completes");
        v.write(8192, data(random(4096, 3)), false).get(10, TimeUnit.SECONDS);
        v.flush().get(10, TimeUnit.SECONDS);
        assertTrue(secondary.metrics().get("journal.syncs") > afterFua, "flush fdatasyncs the secondary before it"
                + " completes");
        assertEquals(1, secondary.metrics().get("mirror.received_flushes"));
        assertEquals(3, secondary.metrics().get("journal.entries"));
    }

    @Test
    void discardIsMirrored() throws Exception {
        startPair();
        Volume v = primary.volume();
        v.write(0, data(random(64 * 1024, 5)), false).get(10, TimeUnit.SECONDS);
        v.discard(4096, 16 * 1024).get(10, TimeUnit.SECONDS);
        byte[] expected = random(64 * 1024, 5);
        java.util.Arrays.fill(expected, 4096, 4096 + 16 * 1024, (byte) 0);
        assertArrayEquals(expected, PairHarness.read(secondaryFile, 0, 64 * 1024));
        assertArrayEquals(expected, PairHarness.read(primaryFile, 0, 64 * 1024));
    }

    @Test
    void writesAtTheSecondaryAreForwardedThroughThePrimary() throws Exception {
        startPair();
        Volume atSecondary = secondary.volume();
        byte[] small = random(8192, 7);
        byte[] large = random(600 * 1024, 8); // more than one forwarded chunk
        atSecondary.write(0, data(small), false).get(10, TimeUnit.SECONDS);
        atSecondary.write(1024 * 1024, data(large), true).get(10, TimeUnit.SECONDS);
        atSecondary.flush().get(10, TimeUnit.SECONDS);
        atSecondary.discard(0, 4096).get(10, TimeUnit.SECONDS);
        byte[] smallAfter = small.clone();
        java.util.Arrays.fill(smallAfter, 0, 4096, (byte) 0);
        for (FileVolume f : List.of(primaryFile, secondaryFile)) {
            assertArrayEquals(smallAfter, PairHarness.read(f, 0, 8192));
            assertArrayEquals(large, PairHarness.read(f, 1024 * 1024, large.length));
        }
        assertEquals(2, primary.metrics().get("mirror.forwarded_served"), "the two forwarded writes");
        assertEquals(4, secondary.metrics().get("mirror.forwarded_sent"));
    }

    @Test
    void theSecondaryServesReadsOnlyWhileItsCopyIsCurrent() throws Exception {
        startPair();
        byte[] bytes = random(4096, 9);
        primary.volume().write(0, data(bytes), false).get(10, TimeUnit.SECONDS);
        io.netty.buffer.ByteBuf read = secondary.volume().read(0, 4096, io.netty.buffer.PooledByteBufAllocator.DEFAULT)
                .get(10, TimeUnit.SECONDS);
        try {
            assertArrayEquals(bytes, io.netty.buffer.ByteBufUtil.getBytes(read), "a GOOD write is readable at the secondary");
        } finally {
            read.release();
        }
        primary.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> secondary.state() == PairState.CONNECTING);
        CompletableFuture<io.netty.buffer.ByteBuf> stale = secondary.volume().read(0, 4096,
                io.netty.buffer.PooledByteBufAllocator.DEFAULT);
        java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> stale.get(10, TimeUnit.SECONDS));
        net.twinblock.mirror.store.VolumeException v = org.junit.jupiter.api.Assertions.assertInstanceOf(
                net.twinblock.mirror.store.VolumeException.class, e.getCause());
        assertTrue(v.retryable(), "the host retries on the primary's path");
    }
}
