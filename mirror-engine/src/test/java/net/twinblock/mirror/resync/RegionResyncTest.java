package net.twinblock.mirror.resync;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.pair.RangeLock;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.Volume;
import net.twinblock.mirror.store.VolumeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The primary's volume and the peer's volume are two real files; the sink writes into the peer's
 * file, with FUA (durable at once) or without and flushed in batches, as the link does.
 */
@ExtendWith(LeakGuard.class)
class RegionResyncTest {

    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    private static final int REGION = 16 * 1024;
    private static final long SIZE = 4L << 20; // 256 regions
    private static final int STRIPE = 8 * 4096;

    @TempDir
    Path dir;

    private ExecutorService io;
    private ScheduledExecutorService delays;
    private FileVolume primary;
    private FileVolume peer;
    private byte[] data;

    @BeforeEach
    void open() throws Exception {
        io = Executors.newFixedThreadPool(4);
        delays = Executors.newScheduledThreadPool(2);
        primary = FileVolume.open(dir.resolve("primary.img"), SIZE, 4096, io);
        peer = FileVolume.open(dir.resolve("peer.img"), SIZE, 4096, io);
        data = new byte[(int) SIZE];
        new Random(7).nextBytes(data);
        Volumes.writeAll(primary, data);
    }

    @AfterEach
    void close() throws InterruptedException {
        primary.close();
        peer.close();
        delays.shutdownNow();
        io.shutdown();
        assertTrue(io.awaitTermination(30, TimeUnit.SECONDS));
    }

    private RegionSink intoPeer() {
        return (offset, buf) -> peer.write(offset, buf, true);
    }

    @Test
    void copiesExactlyTheMarkedRegions() throws Exception {
        OutageBitmap bitmap = new OutageBitmap(SIZE, REGION);
        bitmap.markChanged(0, 4096);
        bitmap.markChanged(10L * REGION + 4096, 3L * REGION); // regions 10..13
        bitmap.markRegion(255);
        RegionResync resync = new RegionResync(bitmap, primary, intoPeer(), new RegionLock(REGION), 3, ALLOC);

        ResyncProgress end = resync.start().get(30, TimeUnit.SECONDS);

        assertEquals(6, end.regionsDone());
        assertEquals(6, end.regionsTotal());
        assertEquals(6L * REGION, end.bytesDone());
        assertEquals(0, end.bytesRemaining());
        assertEquals(Duration.ZERO, end.eta());
        assertEquals(0, bitmap.markedCount());
        byte[] copy = Volumes.readAll(peer);
        for (long r = 0; r < SIZE / REGION; r++) {
            boolean marked = r == 0 || (r >= 10 && r <= 13) || r == 255;
            byte[] expected = marked ? slice(data, r) : new byte[REGION];
            assertArrayEquals(expected, slice(copy, r), "region " + r);
        }
    }

    @Test
    void nothingMarkedFinishesAtOnce() throws Exception {
        OutageBitmap bitmap = new OutageBitmap(SIZE, REGION);
        RegionResync resync = new RegionResync(bitmap, primary, intoPeer(), new RegionLock(REGION), 2, ALLOC);
        ResyncProgress end = resync.start().get(30, TimeUnit.SECONDS);
        assertEquals(0, end.regionsTotal());
        assertEquals(1.0, end.fractionDone());
    }

    @Test
    void neverMoreCopiesInFlightThanTheParallelism() throws Exception {
        OutageBitmap bitmap = new OutageBitmap(SIZE, REGION);
        bitmap.markAll();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        RegionSink slow = (offset, buf) -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            CompletableFuture<Void> f = new CompletableFuture<>();
            delays.schedule(() -> peer.write(offset, buf, true).whenComplete((ok, e) -> {
                running.decrementAndGet();
                f.complete(null);
            }), 1, TimeUnit.MILLISECONDS);
            return f;
        };
        new RegionResync(bitmap, primary, slow, new RegionLock(REGION), 4, ALLOC).start().get(60, TimeUnit.SECONDS);
        assertTrue(most.get() <= 4, "at most 4 at once, saw " + most.get());
        assertTrue(most.get() > 1, "copies should overlap, saw " + most.get());
        assertArrayEquals(data, Volumes.readAll(peer));
    }

    @Test
    void aFailedCopyLeavesItsRegionMarkedAndTheNextResyncFinishesTheJob() throws Exception {
        OutageBitmap bitmap = new OutageBitmap(SIZE, REGION);
        bitmap.markAll();
        long badOffset = 100L * REGION;
        RegionSink linkDropsAtRegion100 = (offset, buf) -> {
            if (offset == badOffset) {
                buf.release(); // the sink owns it, also when failing
                return CompletableFuture.failedFuture(new VolumeException("peer link lost", true));
            }
            return peer.write(offset, buf, true);
        };
        RegionResync first = new RegionResync(bitmap, primary, linkDropsAtRegion100, new RegionLock(REGION), 2, ALLOC);
        ExecutionException e = assertThrows(ExecutionException.class, () -> first.start().get(30, TimeUnit.SECONDS));
        assertEquals("peer link lost", e.getCause().getMessage());
        assertTrue(bitmap.isMarked(100), "the failed region must still be marked");
        ResyncProgress stopped = first.progress();
        assertEquals(256, stopped.regionsTotal());
        assertEquals(256 - stopped.regionsDone(), bitmap.markedCount(), "marked = not copied");

        RegionResync second = new RegionResync(bitmap, primary, intoPeer(), new RegionLock(REGION), 2, ALLOC);
        second.start().get(30, TimeUnit.SECONDS);
        assertEquals(0, bitmap.markedCount());
        assertArrayEquals(data, Volumes.readAll(peer));
    }

    @Test
    void cancelStopsStartingCopiesAndKeepsTheRestMarked() throws Exception {
        OutageBitmap bitmap = new OutageBitmap(SIZE, REGION);
        bitmap.markAll();
        CompletableFuture<Void> gate = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        RegionSink held = (offset, buf) -> {
            calls.incrementAndGet();
            return gate.thenCompose(v -> peer.write(offset, buf, true));
        };
        RegionResync resync = new RegionResync(bitmap, primary, held, new RegionLock(REGION), 2, ALLOC);
        CompletableFuture<ResyncProgress> done = resync.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 2);
        resync.cancel();
        assertFalse(done.isDone(), "copies still running must end first");
        gate.complete(null);
        assertThrows(CancellationException.class, () -> done.get(30, TimeUnit.SECONDS));
        assertEquals(2, calls.get());
        assertEquals(254, bitmap.markedCount());
    }

    /** A host write to a region whose copy has read the old data must not reach the peer first. */
    @Test
    void aHostWriteWaitsForTheCopyOfItsRegion() throws Exception {
        OutageBitmap bitmap = new OutageBitmap(SIZE, REGION);
        bitmap.markRegion(3);
        RegionLock lock = new RegionLock(REGION);
        CompletableFuture<Void> peerAck = new CompletableFuture<>();
        AtomicReference<ByteBuf> inTransit = new AtomicReference<>();
        RegionSink slowLink = (offset, buf) -> {
            inTransit.set(buf);
            return peerAck.thenCompose(v -> peer.write(offset, buf, true));
        };
        CompletableFuture<ResyncProgress> done = new RegionResync(bitmap, primary, slowLink, lock, 1, ALLOC).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> inTransit.get() != null); // old data read, in transit

        byte[] newer = filled(REGION, (byte) 0x5a);
        CompletableFuture<CopyLock.Hold> writeLock = lock.lockForWrite(3L * REGION, REGION);
        assertFalse(writeLock.isDone(), "the host write must wait for the region's copy");
        CompletableFuture<Void> hostWrite = writeLock.thenCompose(hold -> CompletableFuture.allOf(
                writeTo(primary, 3L * REGION, newer), writeTo(peer, 3L * REGION, newer))
                .whenComplete((ok, e) -> hold.release()));

        peerAck.complete(null); // the old data lands on the peer, then the write may go
        done.get(30, TimeUnit.SECONDS);
        hostWrite.get(30, TimeUnit.SECONDS);
        assertArrayEquals(newer, Volumes.read(peer, 3L * REGION, REGION));
        assertArrayEquals(newer, Volumes.read(primary, 3L * REGION, REGION));
    }

    /**
     * The mirrored volume's own range lock (which orders overlapping writes and holds each until
     * both nodes have it) serves as the copy lock just as well: a write queued behind a copy waits.
     */
    @Test
    void theWritePathsRangeLockWorksAsTheCopyLock() throws Exception {
        RangeLock writePath = new RangeLock();
        CopyLock copyLock = (offset, length) -> writePath.acquire(offset, length).thenApply(lease -> lease::close);
        OutageBitmap bitmap = new OutageBitmap(SIZE, REGION);
        bitmap.markRegion(9);
        CompletableFuture<Void> peerAck = new CompletableFuture<>();
        AtomicInteger sent = new AtomicInteger();
        RegionSink slowLink = (offset, buf) -> {
            sent.incrementAndGet();
            return peerAck.thenCompose(v -> peer.write(offset, buf, true));
        };
        CompletableFuture<ResyncProgress> done = new RegionResync(bitmap, primary, slowLink, copyLock, 1, ALLOC).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> sent.get() == 1);
        CompletableFuture<RangeLock.Lease> write = writePath.acquire(9L * REGION + 512, 4096);
        assertFalse(write.isDone(), "the host write must wait for the region's copy");
        peerAck.complete(null);
        done.get(30, TimeUnit.SECONDS);
        write.get(30, TimeUnit.SECONDS).close();
    }

    /** A copy must not read a region while a write to it is still on its way to the peer. */
    @Test
    void aCopyWaitsForAHostWriteInFlight() throws Exception {
        OutageBitmap bitmap = new OutageBitmap(SIZE, REGION);
        bitmap.markRegion(7);
        RegionLock lock = new RegionLock(REGION);
        CopyLock.Hold writeHold = lock.lockForWrite(7L * REGION + 4096, 4096).get();
        AtomicInteger sent = new AtomicInteger();
        RegionSink sink = (offset, buf) -> {
            sent.incrementAndGet();
            return peer.write(offset, buf, true);
        };
        CompletableFuture<ResyncProgress> done = new RegionResync(bitmap, primary, sink, lock, 1, ALLOC).start();
        assertFalse(done.isDone());
        assertEquals(0, sent.get(), "no copy while the write is in flight");
        // The write completes on both sides, then lets go of the region.
        byte[] newer = filled(4096, (byte) 0x33);
        CompletableFuture.allOf(writeTo(primary, 7L * REGION + 4096, newer), writeTo(peer, 7L * REGION + 4096, newer))
                .get(30, TimeUnit.SECONDS);
        writeHold.release();
        done.get(30, TimeUnit.SECONDS);
        assertEquals(1, sent.get());
        assertArrayEquals(Volumes.read(primary, 7L * REGION, REGION), Volumes.read(peer, 7L * REGION, REGION));
    }

    /**
     * Writers hammer the volume through the mirrored write path while a whole-volume resync runs
     * over a link with random delays. Afterwards both files must be identical: no copy ever put
     * older data over a newer mirrored write.
     */
    @Test
    void concurrentWritersAndResyncEndIdentical() throws Exception {
        OutageBitmap bitmap = new OutageBitmap(SIZE, REGION);
        bitmap.markAll();
        RegionLock lock = new RegionLock(REGION);
        Random jitter = new Random(3);
        RegionSink jitteryLink = (offset, buf) -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            int micros;
            synchronized (jitter) {
                micros = jitter.nextInt(2000);
            }
            // No FUA here: a test of ordering, and fdatasync under constant writes only slows it.
            delays.schedule(() -> peer.write(offset, buf, false).whenComplete((ok, e) -> {
                if (e != null) {
                    f.completeExceptionally(e);
                } else {
                    f.complete(null);
                }
            }), micros, TimeUnit.MICROSECONDS);
            return f;
        };
        RegionResync resync = new RegionResync(bitmap, primary, jitteryLink, lock, 4, ALLOC);
        CompletableFuture<ResyncProgress> done = resync.start();

        ExecutorService writers = Executors.newFixedThreadPool(4);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int seed = 100 + t;
            all.add(CompletableFuture.runAsync(() -> {
                Random rnd = new Random(seed);
                while (!done.isDone()) {
                    // Writers never overlap each other: ordering overlapping writes alike on both
                    // nodes is the mirror's job, not the resync's. Each owns every fourth stripe of
                    // 8 blocks (two regions), and writes within it.
                    long stripe = seed - 100 + 4L * rnd.nextInt((int) (SIZE / STRIPE / 4));
                    int startBlock = rnd.nextInt(8);
                    long offset = stripe * STRIPE + startBlock * 4096L;
                    byte[] bytes = new byte[4096 * (1 + rnd.nextInt(8 - startBlock))];
                    rnd.nextBytes(bytes);
                    try {
                        mirroredWrite(lock, offset, bytes).get(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        errors.add(e);
                        return;
                    }
                }
            }, writers));
        }
        ResyncProgress end = done.get(60, TimeUnit.SECONDS);
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        writers.shutdown();
        assertTrue(errors.isEmpty(), () -> errors.toString());
        assertEquals(256, end.regionsDone());
        byte[] p = Volumes.readAll(primary);
        byte[] s = Volumes.readAll(peer);
        assertFalse(Arrays.equals(p, data), "the writers must have changed something during the resync");
        for (long r = 0; r < SIZE / REGION; r++) {
            assertArrayEquals(slice(p, r), slice(s, r), "region " + r + " differs after resync");
        }
    }

    /** Writes into the peer's file without FUA, as the link does; each flush waits for the test's word. */
    private final class BatchingPeer implements RegionSink {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final LinkedBlockingQueue<CompletableFuture<Void>> flushes = new LinkedBlockingQueue<>();
        final AtomicInteger writes = new AtomicInteger();
        volatile long failWriteAt = -1;

        @Override
        public CompletableFuture<Void> write(long offset, ByteBuf data) {
            events.add("write " + offset / REGION + "+" + data.readableBytes() / REGION);
            writes.incrementAndGet();
            if (offset == failWriteAt) {
                data.release(); // the sink owns it, also when failing
                return CompletableFuture.failedFuture(new VolumeException("peer link lost", true));
            }
            return peer.write(offset, data, false);
        }

        @Override
        public CompletableFuture<Void> flush() {
            events.add("flush");
            CompletableFuture<Void> f = new CompletableFuture<>();
            flushes.add(f);
            return f.thenCompose(v -> peer.flush());
        }

        /** Waits for the next flush the resync asks for. */
        CompletableFuture<Void> nextFlush() throws InterruptedException {
            CompletableFuture<Void> f = flushes.poll(30, TimeUnit.SECONDS);
            assertTrue(f != null, "no flush asked for; events " + events);
            return f;
        }
    }

    private final BatchingPeer batching = new BatchingPeer();

    /** A resync into {@link #batching}: copies of up to {@code copyRegions}, a flush per {@code flushRegions}. */
    private RegionResync batched(OutageBitmap bitmap, int parallelism, int copyRegions, long flushRegions) {
        return new RegionResync(bitmap, primary, batching, new RegionLock(REGION),
                new RegionResync.Limits(parallelism, copyRegions * REGION, flushRegions * REGION), ALLOC);
    }

    private static OutageBitmap firstRegionsMarked(int regions) {
        OutageBitmap bitmap = new OutageBitmap(SIZE, REGION);
        bitmap.markChanged(0, (long) regions * REGION);
        return bitmap;
    }

    @Test
    void adjacentMarkedRegionsGoAsOneWriteOfAtMostTheCopySize() throws Exception {
        OutageBitmap bitmap = new OutageBitmap(SIZE, REGION);
        bitmap.markChanged(10L * REGION, 10L * REGION); // regions 10..19
        bitmap.markRegion(21);
        bitmap.markRegion(255);
        RegionResync resync = batched(bitmap, 1, 4, SIZE / REGION);
        CompletableFuture<ResyncProgress> done = resync.start();
        batching.nextFlush().complete(null);

        ResyncProgress end = done.get(30, TimeUnit.SECONDS);
        assertEquals(List.of("write 10+4", "write 14+4", "write 18+2", "write 21+1", "write 255+1", "flush"),
                batching.events);
        assertEquals(12, end.regionsDone());
        assertEquals(12L * REGION, end.bytesDone());
        byte[] copy = Volumes.readAll(peer);
        for (long r : new long[] {10, 13, 14, 19, 21, 255}) {
            assertArrayEquals(slice(data, r), slice(copy, r), "region " + r);
        }
        assertArrayEquals(new byte[REGION], slice(copy, 20), "region 20 was not marked");
    }

    /** Durability in batches: a region is done only once a flush after its write has succeeded. */
    @Test
    void regionsCountAsDoneOnlyOnceAFlushCoversThem() throws Exception {
        OutageBitmap bitmap = firstRegionsMarked(10);
        RegionResync resync = batched(bitmap, 2, 1, 4);
        CompletableFuture<ResyncProgress> done = resync.start();

        CompletableFuture<Void> first = batching.nextFlush();
        // While the first flush runs, copies go on only until the next batch is full.
        await().atMost(Duration.ofSeconds(10)).until(() -> batching.writes.get() == 8);
        assertEquals(2, bitmap.markedCount(), "no copy beyond the next batch while a flush runs");
        assertEquals(0, resync.progress().regionsDone(), "nothing is done before a flush covers it");
        assertEquals(10, resync.progress().regionsTotal());
        first.complete(null);
        await().atMost(Duration.ofSeconds(10)).until(() -> resync.progress().regionsDone() == 4);
        batching.nextFlush().complete(null); // regions 4..7
        batching.nextFlush().complete(null); // 8 and 9: the last flush, not a full batch

        ResyncProgress end = done.get(30, TimeUnit.SECONDS);
        assertEquals(10, end.regionsDone());
        assertEquals(3, batching.events.stream().filter("flush"::equals).count(), batching.events.toString());
        assertEquals("flush", batching.events.get(batching.events.size() - 1), "the end waits for a last flush");
        assertEquals(0, bitmap.markedCount());
        assertArrayEquals(Arrays.copyOf(data, 10 * REGION), Arrays.copyOf(Volumes.readAll(peer), 10 * REGION));
    }

    @Test
    void aFailedFlushPutsBackEveryRegionItWasToCover() throws Exception {
        OutageBitmap bitmap = firstRegionsMarked(8);
        RegionResync resync = batched(bitmap, 1, 1, 4);
        CompletableFuture<ResyncProgress> done = resync.start();
        batching.nextFlush().complete(null); // regions 0..3 are durable
        batching.nextFlush().completeExceptionally(new VolumeException("peer link lost", true));

        ExecutionException e = assertThrows(ExecutionException.class, () -> done.get(30, TimeUnit.SECONDS));
        assertEquals("peer link lost", e.getCause().getMessage());
        assertEquals(4, resync.progress().regionsDone());
        assertEquals(4, bitmap.markedCount());
        for (long r = 4; r < 8; r++) {
            assertTrue(bitmap.isMarked(r), "region " + r + " was written but never made durable");
        }
    }

    @Test
    void aFailedWriteAlsoPutsBackTheCopiesWaitingForAFlush() throws Exception {
        OutageBitmap bitmap = firstRegionsMarked(8);
        batching.failWriteAt = 5L * REGION;
        RegionResync resync = batched(bitmap, 1, 1, SIZE / REGION);

        ExecutionException e = assertThrows(ExecutionException.class, () -> resync.start().get(30, TimeUnit.SECONDS));
        assertEquals("peer link lost", e.getCause().getMessage());
        assertFalse(batching.events.contains("flush"), "no flush vouches for anything after a failure");
        assertEquals(8, bitmap.markedCount(), "regions 0..4 were written but not flushed: all still marked");
        assertEquals(0, resync.progress().regionsDone());
        assertEquals(8, resync.progress().regionsTotal());

        // The next resync (the next link) copies them all again.
        RegionResync second = new RegionResync(bitmap, primary, intoPeer(), new RegionLock(REGION), 2, ALLOC);
        assertEquals(8, second.start().get(30, TimeUnit.SECONDS).regionsDone());
        assertArrayEquals(Arrays.copyOf(data, 8 * REGION), Arrays.copyOf(Volumes.readAll(peer), 8 * REGION));
    }

    @Test
    void cancelFlushesTheCopiesThatRanBeforeItEnds() throws Exception {
        OutageBitmap bitmap = new OutageBitmap(SIZE, REGION);
        bitmap.markAll();
        RegionResync resync = batched(bitmap, 2, 2, SIZE / REGION);
        CompletableFuture<ResyncProgress> done = resync.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> batching.writes.get() >= 2);
        resync.cancel();
        batching.nextFlush().complete(null);

        assertThrows(CancellationException.class, () -> done.get(30, TimeUnit.SECONDS));
        long copied = 2L * batching.writes.get();
        assertEquals(copied, resync.progress().regionsDone(), "every copy that ran is flushed and done");
        assertEquals(256 - copied, bitmap.markedCount());
    }

    @Test
    void progressReportsRateAndTimeLeft() {
        ResyncProgress p = ResyncProgress.of(25, 100, 25L << 20, 75L << 20, 5_000_000_000L);
        assertEquals(5.0, p.megabytesPerSecond(), 1e-9);
        assertEquals(Duration.ofSeconds(15), p.eta());
        assertEquals(0.25, p.fractionDone());
        assertEquals(null, ResyncProgress.of(0, 100, 0, 100L << 20, 1_000_000L).eta(), "unknown before any copy");
    }

    /** The write path as the mirrored volume will do it: lock shared, write both sides, release. */
    private CompletableFuture<Void> mirroredWrite(RegionLock lock, long offset, byte[] bytes) {
        return lock.lockForWrite(offset, bytes.length).thenCompose(hold ->
                CompletableFuture.allOf(writeTo(primary, offset, bytes), writeTo(peer, offset, bytes))
                        .whenComplete((ok, e) -> hold.release()));
    }

    private static CompletableFuture<Void> writeTo(Volume v, long offset, byte[] bytes) {
        ByteBuf buf = ALLOC.directBuffer(bytes.length);
        buf.writeBytes(bytes);
        return v.write(offset, buf, false); // the volume owns buf from here
    }

    private static byte[] slice(byte[] all, long region) {
        return Arrays.copyOfRange(all, (int) (region * REGION), (int) ((region + 1) * REGION));
    }

    private static byte[] filled(int n, byte b) {
        byte[] a = new byte[n];
        Arrays.fill(a, b);
        return a;
    }
}
