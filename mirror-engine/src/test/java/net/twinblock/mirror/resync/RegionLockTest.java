package net.twinblock.mirror.resync;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RegionLockTest {

    private static final int REGION = 4096;

    @Test
    void writesShareARegion() {
        RegionLock lock = new RegionLock(REGION);
        CompletableFuture<CopyLock.Hold> a = lock.lockForWrite(0, 512);
        CompletableFuture<CopyLock.Hold> b = lock.lockForWrite(1024, 512);
        assertTrue(a.isDone() && b.isDone());
        a.join().release();
        b.join().release();
        assertEquals(0, lock.activeRegions());
    }

    @Test
    void aCopyWaitsForWritesInFlightAndLaterWritesWaitForTheCopy() {
        RegionLock lock = new RegionLock(REGION);
        CopyLock.Hold write1 = lock.lockForWrite(0, 8192).join();      // regions 0 and 1
        CompletableFuture<CopyLock.Hold> copy = lock.lockForCopy(4096, 4096);  // region 1
        assertFalse(copy.isDone(), "the copy must not read while a write to its region is in flight");

        // A write arriving after the copy queued waits behind it: the copy cannot be starved.
        CompletableFuture<CopyLock.Hold> write2 = lock.lockForWrite(4096, 512);
        assertFalse(write2.isDone());
        // Another region is not affected.
        assertTrue(lock.lockForWrite(8192, 512).join() != null);

        write1.release();
        assertTrue(copy.isDone());
        assertFalse(write2.isDone(), "a write must wait while its region is being copied");
        copy.join().release();
        assertTrue(write2.isDone());
    }

    @Test
    void copiesExcludeEachOtherAndWaitersAreServedInOrder() {
        RegionLock lock = new RegionLock(REGION);
        CopyLock.Hold copy1 = lock.lockForCopy(0, 4096).join();
        List<String> order = new ArrayList<>();
        CompletableFuture<CopyLock.Hold> w1 = lock.lockForWrite(0, 512).whenComplete((h, e) -> order.add("w1"));
        CompletableFuture<CopyLock.Hold> w2 = lock.lockForWrite(512, 512).whenComplete((h, e) -> order.add("w2"));
        CompletableFuture<CopyLock.Hold> copy2 = lock.lockForCopy(0, 4096).whenComplete((h, e) -> order.add("c2"));
        copy1.release();
        assertEquals(List.of("w1", "w2"), order, "both queued writes go together, the copy after them");
        assertFalse(copy2.isDone());
        w1.join().release();
        assertFalse(copy2.isDone());
        w2.join().release();
        assertEquals(List.of("w1", "w2", "c2"), order);
        copy2.join().release();
        assertEquals(0, lock.activeRegions());
    }

    @Test
    void releasingTwiceIsABug() {
        RegionLock lock = new RegionLock(REGION);
        CopyLock.Hold hold = lock.lockForCopy(0, 4096).join();
        hold.release();
        assertThrows(IllegalStateException.class, hold::release);
    }

    /**
     * Many threads take random overlapping multi-region ranges, writes and copies mixed. Nobody may
     * ever see a copy together with anyone else in a region, and everyone must get through (no
     * deadlock, no lost wake-up).
     */
    @Test
    void randomMixOfWritesAndCopiesNeverOverlapsAndNeverDeadlocks() throws Exception {
        RegionLock lock = new RegionLock(REGION);
        int regions = 32;
        AtomicIntegerArray writers = new AtomicIntegerArray(regions);
        AtomicIntegerArray copiers = new AtomicIntegerArray(regions);
        AtomicReference<String> violation = new AtomicReference<>();
        AtomicInteger completed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        // Holders do their "I/O" on other threads, as the engine's continuations do.
        ExecutorService io = Executors.newFixedThreadPool(4);
        int perThread = 3000;
        int threads = 6;
        for (int t = 0; t < threads; t++) {
            int seed = t;
            pool.execute(() -> {
                Random rnd = new Random(seed);
                for (int i = 0; i < perThread; i++) {
                    int first = rnd.nextInt(regions);
                    int count = 1 + rnd.nextInt(Math.min(4, regions - first));
                    boolean copy = rnd.nextInt(4) == 0;
                    long offset = (long) first * REGION;
                    long length = (long) count * REGION - rnd.nextInt(REGION / 2);
                    CompletableFuture<CopyLock.Hold> f = copy ? lock.lockForCopy(offset, length)
                            : lock.lockForWrite(offset, length);
                    f.thenAcceptAsync(hold -> {
                        for (int r = first; r < first + count; r++) {
                            int w = copy ? writers.get(r) : writers.incrementAndGet(r);
                            int c = copy ? copiers.incrementAndGet(r) : copiers.get(r);
                            if (c > 1 || (c == 1 && w > 0)) {
                                violation.compareAndSet(null, "region " + r + ": " + w + " writers, " + c + " copies");
                            }
                        }
                        Thread.yield(); // hold it a moment so others pile up
                        for (int r = first; r < first + count; r++) {
                            if (copy) {
                                copiers.decrementAndGet(r);
                            } else {
                                writers.decrementAndGet(r);
                            }
                        }
                        hold.release();
                        completed.incrementAndGet();
                    }, io).exceptionally(e -> {
                        violation.compareAndSet(null, e.toString());
                        return null;
                    });
                }
            });
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> violation.get() != null || completed.get() == threads * perThread);
        io.shutdown();
        assertEquals(null, violation.get());
        assertEquals(0, lock.activeRegions());
    }
}
