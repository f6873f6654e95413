package net.twinblock.mirror.resync;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.store.FileVolume;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakGuard.class)
class ScrubberTest {

    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    private static final int BLOCK = 4096;
    private static final long SIZE = 4L << 20; // 1024 blocks

    @TempDir
    Path dir;

    private ExecutorService io;
    private ScheduledExecutorService scheduler;
    private FileVolume primary;
    private FileVolume secondary;
    private Scrubber scrubber;

    @BeforeEach
    void open() throws Exception {
        io = Executors.newFixedThreadPool(4);
        scheduler = Executors.newSingleThreadScheduledExecutor();
        primary = FileVolume.open(dir.resolve("primary.img"), SIZE, BLOCK, io);
        secondary = FileVolume.open(dir.resolve("secondary.img"), SIZE, BLOCK, io);
        byte[] data = new byte[(int) SIZE];
        new Random(21).nextBytes(data);
        Volumes.writeAll(primary, data);
        Volumes.writeAll(secondary, data);
    }

    @AfterEach
    void close() throws InterruptedException {
        if (scrubber != null) {
            scrubber.close();
        }
        // Not shutdownNow: a hashing task already queued holds a read buffer that only it releases.
        scheduler.shutdown();
        assertTrue(scheduler.awaitTermination(30, TimeUnit.SECONDS));
        primary.close();
        secondary.close();
        io.shutdown();
        assertTrue(io.awaitTermination(30, TimeUnit.SECONDS));
    }

    private ScrubSettings settings() {
        return ScrubSettings.defaults().withMaxRate(0).withRepair(false);
    }

    private HashComparison secondaryHalf(ScrubSettings s) {
        ScanGeometry g = new ScanGeometry(SIZE, BLOCK, s.blocksPerRegion());
        return HashComparison.local(new BlockHasher(secondary, s.algorithm(), g, ALLOC), new ChecksumComparator(g));
    }

    private Scrubber scrubber(ScrubSettings s, RegionLock lock) {
        RegionSink sink = s.repair() ? (offset, buf) -> secondary.write(offset, buf, true) : null;
        scrubber = new Scrubber(s, primary, secondaryHalf(s), sink, lock, scheduler, ALLOC);
        return scrubber;
    }

    private TreeSet<Long> rot(int n, long seed) throws Exception {
        Random rnd = new Random(seed);
        TreeSet<Long> blocks = new TreeSet<>();
        while (blocks.size() < n) {
            blocks.add((long) rnd.nextInt((int) (SIZE / BLOCK)));
        }
        for (long b : blocks) {
            byte[] junk = new byte[BLOCK];
            rnd.nextBytes(junk);
            Volumes.write(secondary, b * BLOCK, junk);
        }
        return blocks;
    }

    @Test
    void reportsMismatchesWithoutTouchingData() throws Exception {
        TreeSet<Long> rotten = rot(9, 1);
        byte[] before = Volumes.readAll(secondary);
        Scrubber s = scrubber(settings(), new RegionLock(64 * 1024));

        ScrubReport report = s.scrubNow().get(60, TimeUnit.SECONDS);

        assertTrue(report.complete());
        assertEquals(SIZE / BLOCK, report.regionsScanned());
        assertEquals(9, report.mismatchedBlocks());
        assertEquals(0, report.repairedBlocks());
        TreeSet<Long> listed = new TreeSet<>();
        report.mismatches().forEach(r -> {
            for (long b = r.first(); b < r.end(); b++) {
                listed.add(b);
            }
        });
        assertEquals(rotten, listed);
        assertArrayEquals(before, Volumes.readAll(secondary), "report-only scrub must not write");
        assertEquals(9, s.mismatchedBlocks());
        assertSame(report, s.lastReport());
        assertEquals(1, s.runs());
    }

    @Test
    void repairsWhenAskedAndTheNextScrubIsClean() throws Exception {
        rot(12, 2);
        Scrubber s = scrubber(settings().withRepair(true), new RegionLock(64 * 1024));
        ScrubReport first = s.scrubNow().get(60, TimeUnit.SECONDS);
        assertEquals(12, first.mismatchedBlocks());
        assertEquals(12, first.repairedBlocks());
        assertArrayEquals(Volumes.readAll(primary), Volumes.readAll(secondary));
        ScrubReport second = s.scrubNow().get(60, TimeUnit.SECONDS);
        assertEquals(0, second.mismatchedBlocks());
        assertEquals(12, s.repairedBlocks());
        assertEquals(2, s.runs());
    }

    @Test
    void onDemandWhileRunningJoinsTheRunningScrub() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        ScrubSettings st = settings();
        HashComparison real = secondaryHalf(st);
        scrubber = new Scrubber(st, primary, b -> gate.thenCompose(v -> real.compare(b)), null, null, scheduler, ALLOC);
        CompletableFuture<ScrubReport> a = scrubber.scrubNow();
        assertSame(a, scrubber.scrubNow());
        assertTrue(scrubber.running());
        gate.complete(null);
        a.get(60, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> !scrubber.running());
    }

    /**
     * Hosts keep the volume busy the whole time: the scrub says it is throttled, reads at the busy
     * rate in small batches, and still covers every region.
     */
    @Test
    void underConstantHostIoTheScrubIsThrottledAndStillFinishes() throws Exception {
        AtomicLong hostOps = new AtomicLong();
        ScheduledExecutorService host = Executors.newSingleThreadScheduledExecutor();
        try {
            host.scheduleAtFixedRate(hostOps::incrementAndGet, 0, 1, TimeUnit.MILLISECONDS);
            ScrubSettings st = settings().withMaxRate(64 << 20).withBusyRate(16 << 20);
            AtomicInteger largestBatch = new AtomicInteger();
            AtomicInteger throttledBatches = new AtomicInteger();
            HashComparison real = secondaryHalf(st);
            HashComparison watching = batch -> {
                largestBatch.accumulateAndGet(batch.count(), Math::max);
                if (scrubber.throttled()) {
                    throttledBatches.incrementAndGet();
                }
                return real.compare(batch);
            };
            scrubber = new Scrubber(st, primary, watching, null, null, scheduler, ALLOC, hostOps::get);
            ScrubReport r = scrubber.scrubNow().get(60, TimeUnit.SECONDS);
            assertTrue(r.complete());
            assertEquals(SIZE / BLOCK, r.regionsScanned());
            int batches = (int) (SIZE / ScrubThrottle.BUSY_BATCH_BYTES);
            assertEquals(ScrubThrottle.BUSY_BATCH_BYTES / BLOCK, largestBatch.get(), "small batches only");
            assertEquals(batches, throttledBatches.get(), "every batch ran throttled");
            assertFalse(scrubber.throttled(), "no scrub, nothing throttled");
        } finally {
            host.shutdownNow();
        }
    }

    @Test
    void runsOnItsPeriod() {
        Scrubber s = scrubber(settings().withInterval(Duration.ofMillis(20)), null);
        s.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> s.runs() >= 3);
        assertEquals(0, s.mismatchedBlocks());
        assertTrue(s.regionsScanned() >= 3 * (SIZE / BLOCK));
    }

    @Test
    void offByDefault() {
        assertEquals(null, ScrubSettings.defaults().interval());
        assertFalse(ScrubSettings.defaults().repair());
        Scrubber s = scrubber(settings(), null);
        s.start();
        assertFalse(s.running());
        assertEquals(0, s.runs());
    }

    /**
     * A host write is on the primary but not yet on the secondary when the scrub compares: the
     * block differs for a moment. The locked re-check waits for the write to finish on both nodes
     * and then finds nothing, so no false alarm and no "repair" of a block in flight.
     */
    @Test
    void aWriteInFlightIsNotReportedAsAMismatch() throws Exception {
        RegionLock lock = new RegionLock(64 * 1024);
        byte[] newer = new byte[BLOCK];
        Arrays.fill(newer, (byte) 0x77);
        long offset = 100L * BLOCK;
        CopyLock.Hold inFlight = lock.lockForWrite(offset, BLOCK).get();
        Volumes.write(primary, offset, newer); // the primary's half of the mirrored write is done

        ScrubSettings st = settings().withRepair(true);
        HashComparison real = secondaryHalf(st);
        AtomicInteger compares = new AtomicInteger();
        CompletableFuture<Void> sawDifference = new CompletableFuture<>();
        HashComparison watching = batch -> real.compare(batch).thenApply(ranges -> {
            compares.incrementAndGet();
            if (!ranges.isEmpty()) {
                sawDifference.complete(null);
            }
            return ranges;
        });
        scrubber = new Scrubber(st, primary, watching, (o, buf) -> secondary.write(o, buf, true), lock, scheduler,
                ALLOC);
        CompletableFuture<ScrubReport> report = scrubber.scrubNow();
        sawDifference.get(30, TimeUnit.SECONDS);
        assertFalse(report.isDone(), "the re-check must wait for the write in flight");

        Volumes.write(secondary, offset, newer); // the secondary's half arrives
        inFlight.release();

        ScrubReport r = report.get(60, TimeUnit.SECONDS);
        assertEquals(0, r.mismatchedBlocks());
        assertEquals(0, r.repairedBlocks());
        assertTrue(compares.get() > SIZE / BLOCK / 256, "the suspect batch was compared again");
    }

    @Test
    void settingsNameTheirFields() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScrubSettings.defaults().withInterval(Duration.ZERO));
        assertTrue(e.getMessage().contains("scrub.interval"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScrubSettings.defaults().withMaxRate(-1));
        assertTrue(e.getMessage().contains("scrub.max-rate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScrubSettings.defaults().withBusyRate(-1));
        assertTrue(e.getMessage().contains("scrub.busy-rate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Scrubber(settings().withRepair(true), primary, b -> null, null, null, scheduler, ALLOC));
        assertTrue(e.getMessage().contains("scrub.repair"), e.getMessage());
    }
}
