package net.twinblock.mirror.resync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.VolumeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole checksum resync in one process: a primary and a secondary FileVolume, blocks of the
 * secondary corrupted, primary scans, secondary compares, primary sends what differs.
 */
@ExtendWith(LeakGuard.class)
class ChecksumResyncTest {

    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    private static final int BLOCK = 4096;
    private static final long SIZE = 8L << 20; // 2048 blocks
    private static final int BATCH = 64;        // regions per batch: 32 batches at one block per region

    @TempDir
    Path dir;

    private ExecutorService io;
    private ScheduledExecutorService scheduler;
    private FileVolume primary;
    private FileVolume secondary;

    @BeforeEach
    void open() throws Exception {
        io = Executors.newFixedThreadPool(4);
        scheduler = Executors.newSingleThreadScheduledExecutor();
        primary = FileVolume.open(dir.resolve("primary.img"), SIZE, BLOCK, io);
        secondary = FileVolume.open(dir.resolve("secondary.img"), SIZE, BLOCK, io);
        byte[] data = new byte[(int) SIZE];
        new Random(11).nextBytes(data);
        Volumes.writeAll(primary, data);
        Volumes.writeAll(secondary, data);
    }

    @AfterEach
    void close() throws InterruptedException {
        primary.close();
        secondary.close();
        scheduler.shutdownNow();
        io.shutdown();
        assertTrue(io.awaitTermination(30, TimeUnit.SECONDS));
    }

    /** Overwrites {@code n} distinct random blocks of the secondary (some adjacent), returns them. */
    private TreeSet<Long> corrupt(int n, long seed) throws Exception {
        Random rnd = new Random(seed);
        TreeSet<Long> blocks = new TreeSet<>();
        while (blocks.size() < n) {
            long b = rnd.nextInt((int) (SIZE / BLOCK));
            blocks.add(b);
            if (rnd.nextInt(4) == 0 && b + 1 < SIZE / BLOCK && blocks.size() < n) {
                blocks.add(b + 1);
            }
        }
        for (long b : blocks) {
            byte[] junk = new byte[BLOCK];
            rnd.nextBytes(junk);
            Volumes.write(secondary, b * BLOCK, junk);
        }
        return blocks;
    }

    private ChecksumResync resync(ChecksumAlgorithm alg, ScanGeometry g, ScanCursor cursor, HashComparison peer) {
        ChecksumScanner scanner = new ChecksumScanner(new BlockHasher(primary, alg, g, ALLOC), cursor,
                TokenBucket.unlimited(), scheduler, BATCH, 4);
        BlockCopier copier = new BlockCopier(primary, (offset, buf) -> secondary.write(offset, buf, true),
                new RegionLock(64 * 1024), ALLOC, 256 * 1024);
        return new ChecksumResync(scanner, peer, copier);
    }

    private HashComparison secondarySide(ChecksumAlgorithm alg, ScanGeometry g) {
        return HashComparison.local(new BlockHasher(secondary, alg, g, ALLOC), new ChecksumComparator(g));
    }

    @ParameterizedTest
    @EnumSource(ChecksumAlgorithm.class)
    void copiesExactlyTheCorruptedBlocksAndASecondScanFindsNothing(ChecksumAlgorithm alg) throws Exception {
        TreeSet<Long> corrupted = corrupt(37, alg.ordinal());
        ScanGeometry g = new ScanGeometry(SIZE, BLOCK, 1);

        ChecksumResync.Result first = resync(alg, g, ScanCursor.inMemory(alg, g), secondarySide(alg, g))
                .run().get(60, TimeUnit.SECONDS);

        assertTrue(first.scan().complete());
        assertEquals(SIZE / BLOCK, first.scan().regionsScanned());
        assertEquals(corrupted.size(), first.blocksDiffering());
        assertEquals(corrupted.size(), first.blocksCopied());
        assertArrayEquals(Volumes.readAll(primary), Volumes.readAll(secondary));

        ChecksumResync.Result second = resync(alg, g, ScanCursor.inMemory(alg, g), secondarySide(alg, g))
                .run().get(60, TimeUnit.SECONDS);
        assertEquals(0, second.blocksDiffering());
        assertEquals(0, second.blocksCopied());
    }

    @Test
    void coarserRegionsCopyWholeRegionsAroundEachDifference() throws Exception {
        corrupt(5, 99);
        ScanGeometry g = new ScanGeometry(SIZE, BLOCK, 8); // 32 KiB per hash
        ChecksumAlgorithm alg = ChecksumAlgorithm.CRC32C;
        ChecksumResync.Result r = resync(alg, g, ScanCursor.inMemory(alg, g), secondarySide(alg, g))
                .run().get(60, TimeUnit.SECONDS);
        assertTrue(r.blocksDiffering() >= 5 && r.blocksDiffering() % 8 == 0, "whole regions: " + r.blocksDiffering());
        assertArrayEquals(Volumes.readAll(primary), Volumes.readAll(secondary));
    }

    /**
     * The scan is stopped part way (link dropped, node shut down); the next run resumes from the
     * cursor file, not from region 0, and still repairs everything.
     */
    @Test
    void anInterruptedScanResumesFromItsCursor() throws Exception {
        TreeSet<Long> corrupted = corrupt(40, 5);
        ChecksumAlgorithm alg = ChecksumAlgorithm.CRC32C;
        ScanGeometry g = new ScanGeometry(SIZE, BLOCK, 1);
        Path cursorFile = dir.resolve("resync.cursor");
        HashComparison secondaryHalf = secondarySide(alg, g);

        AtomicInteger batches = new AtomicInteger();
        ChecksumResync[] holder = new ChecksumResync[1];
        HashComparison stopsAfterTenBatches = batch -> {
            if (batches.incrementAndGet() == 10) {
                holder[0].stop(); // this batch still finishes, then the scan stops
            }
            return secondaryHalf.compare(batch);
        };
        holder[0] = resync(alg, g, ScanCursor.open(cursorFile, alg, g), stopsAfterTenBatches);
        ChecksumResync.Result first = holder[0].run().get(60, TimeUnit.SECONDS);

        assertFalse(first.scan().complete());
        assertEquals(10L * BATCH, first.scan().nextRegion());
        ResyncProgress stopped = holder[0].progress();
        assertEquals(10L * BATCH, stopped.regionsDone());
        assertEquals(SIZE / BLOCK, stopped.regionsTotal());
        assertEquals(SIZE - 10L * BATCH * BLOCK, stopped.bytesRemaining());
        assertTrue(Files.exists(cursorFile));
        long fixedFirst = corrupted.headSet(10L * BATCH).size();
        assertEquals(fixedFirst, first.blocksCopied());

        ScanCursor resumed = ScanCursor.open(cursorFile, alg, g);
        assertTrue(resumed.resumed());
        assertEquals(10L * BATCH, resumed.position(), "must not start over from region 0");
        AtomicLong lowestAsked = new AtomicLong(Long.MAX_VALUE);
        HashComparison recording = batch -> {
            lowestAsked.accumulateAndGet(batch.firstRegion(), Math::min);
            return secondaryHalf.compare(batch);
        };
        ChecksumResync secondRun = resync(alg, g, resumed, recording);
        assertEquals(10L * BATCH, secondRun.progress().regionsDone(), "progress counts the earlier run's regions");
        ChecksumResync.Result second = secondRun.run().get(60, TimeUnit.SECONDS);
        assertEquals(1.0, secondRun.progress().fractionDone());

        assertTrue(second.scan().complete());
        assertEquals(10L * BATCH, lowestAsked.get());
        assertEquals(SIZE / BLOCK, first.scan().regionsScanned() + second.scan().regionsScanned(),
                "every region scanned exactly once across both runs");
        assertEquals(corrupted.size() - fixedFirst, second.blocksCopied());
        assertFalse(Files.exists(cursorFile), "a finished scan forgets its cursor");
        assertArrayEquals(Volumes.readAll(primary), Volumes.readAll(secondary));
    }

    /**
     * A crash leaves only what was saved: with saveEvery=4, the file seen while batch 7 (index 6)
     * is being handled says 4 batches done; a link failure then saves the last finished batch.
     */
    @Test
    void theCursorFileTracksFinishedBatchesAndSurvivesAFailure() throws Exception {
        ChecksumAlgorithm alg = ChecksumAlgorithm.CRC32C;
        ScanGeometry g = new ScanGeometry(SIZE, BLOCK, 1);
        Path cursorFile = dir.resolve("resync.cursor");
        HashComparison secondaryHalf = secondarySide(alg, g);
        AtomicInteger batches = new AtomicInteger();
        AtomicLong onDiskDuringBatch7 = new AtomicLong(-1);
        HashComparison linkDropsAtBatch9 = batch -> {
            int n = batches.incrementAndGet();
            if (n == 7) {
                onDiskDuringBatch7.set(ScanCursor.open(cursorFile, alg, g).position()); // as after a kill -9
            }
            if (n == 9) {
                return CompletableFuture.failedFuture(new VolumeException("peer link lost", true));
            }
            return secondaryHalf.compare(batch);
        };
        CompletableFuture<ChecksumResync.Result> run =
                resync(alg, g, ScanCursor.open(cursorFile, alg, g), linkDropsAtBatch9).run();
        ExecutionException e = assertThrows(ExecutionException.class, () -> run.get(60, TimeUnit.SECONDS));
        assertEquals("peer link lost", e.getCause().getMessage());
        assertEquals(4L * BATCH, onDiskDuringBatch7.get());
        assertEquals(8L * BATCH, ScanCursor.open(cursorFile, alg, g).position());
    }

    @Test
    void theSecondaryRefusesHashesOfAnotherAlgorithm() {
        ScanGeometry g = new ScanGeometry(SIZE, BLOCK, 1);
        HashComparison sha = secondarySide(ChecksumAlgorithm.SHA256, g);
        HashBatch crc = new HashBatch(ChecksumAlgorithm.CRC32C, 0, 1, new byte[4]);
        ExecutionException e = assertThrows(ExecutionException.class, () -> sha.compare(crc).get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("crc32c"), e.getCause().getMessage());
    }

    @Test
    void theCopierLocksAndSplitsLargeRanges() throws Exception {
        AtomicInteger sends = new AtomicInteger();
        RegionLock lock = new RegionLock(64 * 1024);
        BlockCopier copier = new BlockCopier(primary, (offset, buf) -> {
            sends.incrementAndGet();
            assertTrue(buf.readableBytes() <= 128 * 1024);
            CompletableFuture<CopyLock.Hold> write = lock.lockForWrite(offset, buf.readableBytes());
            assertFalse(write.isDone(), "a host write must wait while its range is being copied");
            write.thenAccept(CopyLock.Hold::release);
            return secondary.write(offset, buf, true);
        }, lock, ALLOC, 128 * 1024);
        corrupt(10, 3);
        long copied = copier.copy(List.of(new DifferingBlocks(0, 2048))).get(60, TimeUnit.SECONDS);
        assertEquals(2048, copied);
        assertEquals(64, sends.get());
        assertEquals(0, lock.activeRegions());
        assertArrayEquals(Volumes.readAll(primary), Volumes.readAll(secondary));
    }
}
