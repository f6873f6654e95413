package net.twinblock.mirror.record;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecondaryRecordTest {

    private static final long EXTENT = 4L << 20;
    private static final long VOLUME = 64L << 30;
    private static final Executor DIRECT = Runnable::run;
    private static final RecordSettings SETTINGS = new RecordSettings(EXTENT, 64, 2, 256);

    @TempDir
    Path dir;

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final List<ExecutorService> pools = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        pools.forEach(ExecutorService::shutdownNow);
    }

    private SecondaryRecord secondary(Executor io, PersistGate gate) {
        SecondaryRecord s = SecondaryRecord.open(dir.resolve("secondary/record"), SETTINGS, io, gate);
        opened.add(s);
        return s;
    }

    private PredictiveRecord primary(RecordReplicator replicator, Executor io) {
        PredictiveRecord p = PredictiveRecord.open(dir.resolve("primary/record"), SETTINGS, VOLUME, replicator,
                () -> CompletableFuture.completedFuture(null), io);
        opened.add(p);
        return p;
    }

    private static RecordSnapshot snapshot(long generation, long... indexes) {
        return RecordSnapshot.ofIndexes(generation, EXTENT, indexes);
    }

    @Test
    void theHostWriteWaitsWhileTheSecondarysRecordPersistenceIsHeld() {
        PersistHold hold = new PersistHold();
        SecondaryRecord secondary = secondary(DIRECT, hold);
        PredictiveRecord primary = primary(secondary::apply, DIRECT);

        hold.hold();
        CompletableFuture<Void> hostWrite = primary.admit(12 * EXTENT, 64 * 1024);
        assertEquals(1, hold.waiting(), "the secondary is stopped right before its file write");
        assertFalse(hostWrite.isDone(), "the secondary's copy is not durable: the write must wait");
        assertTrue(RecordFile.read(dir.resolve("primary/record")).contains(new Extent(12)),
                "the primary's own copy is durable already");
        assertFalse(RecordFile.read(dir.resolve("secondary/record")).contains(new Extent(12)));

        hold.release();
        assertTrue(hostWrite.isDone());
        hostWrite.join();
        assertTrue(RecordFile.read(dir.resolve("secondary/record")).contains(new Extent(12)));
    }

    @Test
    void applyAcknowledgesOnlyAfterPersistingAndGatesReadsOnBothRecordsMeanwhile() {
        PersistHold hold = new PersistHold();
        SecondaryRecord s = secondary(DIRECT, hold);
        s.apply(snapshot(1, 3, 4)).join();
        assertTrue(s.touchesRecordedExtent(3 * EXTENT, 4096));

        hold.hold();
        CompletableFuture<Void> ack = s.apply(snapshot(2, 4, 9));
        assertFalse(ack.isDone());
        assertTrue(s.touchesRecordedExtent(9 * EXTENT, 4096), "the new extent gates reads before it is durable");
        assertTrue(s.touchesRecordedExtent(3 * EXTENT, 4096), "the old one too: the file may still hold it");

        hold.release();
        ack.join();
        assertFalse(s.touchesRecordedExtent(3 * EXTENT, 4096), "left the record");
        assertTrue(s.touchesRecordedExtent(9 * EXTENT + EXTENT - 512, 512));
        assertFalse(s.touchesRecordedExtent(5 * EXTENT, 4 * EXTENT), "extents 5..8");
        assertEquals(2, s.applied());
        assertEquals(List.of(new Extent(4), new Extent(9)), RecordFile.read(dir.resolve("secondary/record")).extents());
    }

    @Test
    void aRestartedSecondaryGatesReadsOnTheRecordItPersisted() {
        SecondaryRecord before = secondary(DIRECT, PersistGate.OPEN);
        before.apply(snapshot(7, 2, 30)).join();
        before.close();

        SecondaryRecord after = secondary(DIRECT, PersistGate.OPEN);
        assertEquals(Set.of(new Extent(2), new Extent(30)), after.recordedExtents());
        assertTrue(after.touchesRecordedExtent(30 * EXTENT + 8192, 4096));
        assertFalse(after.touchesRecordedExtent(0, 2 * EXTENT));
    }

    @Test
    void aSnapshotInOtherExtentUnitsIsConvertedToCoverTheSameBytes() {
        SecondaryRecord s = secondary(DIRECT, PersistGate.OPEN);
        s.apply(RecordSnapshot.ofIndexes(1, EXTENT / 4, new long[] {5})).join(); // bytes 5..6 MiB
        assertEquals(List.of(new Extent(1)), s.current().extents());
        assertTrue(s.touchesRecordedExtent(7L << 20, 4096), "the whole 4 MiB extent is gated: conservative");
    }

    @Test
    void aFailedPersistFailsThatAckAndEveryLaterOne() {
        boolean[] broken = {true};
        Executor io = task -> {
            if (broken[0]) {
                throw new RejectedExecutionException("disk gone");
            }
            task.run();
        };
        SecondaryRecord s = secondary(io, PersistGate.OPEN);
        CompletionException first = assertThrows(CompletionException.class, () -> s.apply(snapshot(1, 1)).join());
        assertInstanceOf(RecordException.class, first.getCause());
        assertTrue(s.touchesRecordedExtent(EXTENT, 4096), "still gated: the file may hold either record");

        broken[0] = false;
        assertThrows(CompletionException.class, () -> s.apply(snapshot(2, 1)).join(),
                "after a failed fdatasync no later one proves anything");
        assertEquals(0, s.applied());
    }

    /**
     * The product guarantee under real concurrency: when a host write is released, its extent is
     * in the durable record on both nodes. Writers on several threads, file writes on a pool.
     */
    @Test
    void everyReleasedWriteIsRecordedOnBothNodes() {
        ExecutorService primaryIo = Executors.newSingleThreadExecutor();
        ExecutorService secondaryIo = Executors.newSingleThreadExecutor();
        ExecutorService hosts = Executors.newFixedThreadPool(4);
        pools.add(primaryIo);
        pools.add(secondaryIo);
        pools.add(hosts);
        SecondaryRecord secondary = secondary(secondaryIo, PersistGate.OPEN);
        PredictiveRecord primary = primary(secondary::apply, primaryIo);

        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicInteger done = new AtomicInteger();
        int writers = 4;
        int perWriter = 300;
        for (int t = 0; t < writers; t++) {
            long seed = t;
            hosts.execute(() -> {
                Random rnd = new Random(seed);
                for (int i = 0; i < perWriter; i++) {
                    long offset = rnd.nextLong(200 * EXTENT / 4096) * 4096;
                    primary.admit(offset, 4096).whenComplete((v, err) -> {
                        if (err != null) {
                            violations.add("write at " + offset + " failed: " + err);
                        } else if (!secondary.current().touches(offset, 4096)) {
                            violations.add("write at " + offset + " released but not recorded on the secondary");
                        } else if (!primary.snapshot().touches(offset, 4096)) {
                            violations.add("write at " + offset + " released but not in the primary's record");
                        }
                        if (err == null) {
                            primary.complete(offset, 4096);
                        }
                        done.incrementAndGet();
                    }).join();
                }
            });
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> done.get() == writers * perWriter);
        assertEquals(List.of(), List.copyOf(violations));
        RecordMetrics m = primary.metrics();
        assertEquals(writers * perWriter, m.hostWrites());
        assertTrue(m.recordWrites() <= m.misses(), m.toString());
        assertTrue(m.extentsRecorded() <= SETTINGS.capacity(), "all idle again: within capacity");
    }
}
