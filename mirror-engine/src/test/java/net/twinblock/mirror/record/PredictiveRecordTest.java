package net.twinblock.mirror.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The record's rules, driven deterministically: file writes run on the calling thread (a direct
 * executor), and persistence is stopped where a test needs it with a {@link PersistHold} or a
 * replicator whose acknowledgements the test gives by hand.
 */
class PredictiveRecordTest {

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final long EXTENT = 4 * MIB;
    private static final long VOLUME = 1L << 40;
    private static final Executor DIRECT = Runnable::run;

    @TempDir
    Path dir;

    private final List<PredictiveRecord> opened = new ArrayList<>();

    /** Acknowledges each replicated snapshot when the test says so (or at once when auto). */
    static final class ManualReplicator implements RecordReplicator {
        final List<RecordSnapshot> received = new ArrayList<>();
        final List<CompletableFuture<Void>> acks = new ArrayList<>();
        boolean auto = true;

        @Override
        public synchronized CompletableFuture<Void> replicate(RecordSnapshot snapshot) {
            received.add(snapshot);
            CompletableFuture<Void> ack = new CompletableFuture<>();
            acks.add(ack);
            if (auto) {
                ack.complete(null);
            }
            return ack;
        }

        synchronized int calls() {
            return received.size();
        }

        synchronized CompletableFuture<Void> lastAck() {
            return acks.get(acks.size() - 1);
        }

        synchronized RecordSnapshot last() {
            return received.get(received.size() - 1);
        }
    }

    private final ManualReplicator replicator = new ManualReplicator();
    /** The flush of both nodes the record asks for: succeeds at once unless a test holds it. */
    private final List<CompletableFuture<Void>> heldFlushes = new ArrayList<>();
    private boolean holdFlushes;
    private final RecordFlusher flusher = () -> {
        if (!holdFlushes) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        heldFlushes.add(f);
        return f;
    };

    private PredictiveRecord open(RecordSettings settings) {
        return open(settings, DIRECT, PersistGate.OPEN);
    }

    private PredictiveRecord open(RecordSettings settings, Executor io, PersistGate gate) {
        PredictiveRecord r = PredictiveRecord.open(dir.resolve("record"), settings, VOLUME, replicator, flusher, io, gate);
        opened.add(r);
        return r;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(PredictiveRecord::close);
    }

    private static RecordSettings settings(int capacity, int predictAhead) {
        return new RecordSettings(EXTENT, capacity, predictAhead, RecordSettings.DEFAULT_BUSY_HEADROOM);
    }

    private Set<Extent> onDisk() {
        return Set.copyOf(RecordFile.read(dir.resolve("record")).extents());
    }

    /** A write's whole life: admitted, issued, completed on both nodes. */
    private static void write(PredictiveRecord r, long offset, long length) {
        CompletableFuture<Void> admitted = r.admit(offset, length);
        assertTrue(admitted.isDone(), "nothing held: the write is admitted at once");
        admitted.join();
        r.complete(offset, length);
    }

    @Test
    void aMissCompletesOnlyOnceTheRecordIsDurableOnBothNodes() {
        PersistHold localDisk = new PersistHold();
        localDisk.hold();
        replicator.auto = false;
        PredictiveRecord r = open(settings(16, 0), DIRECT, localDisk);

        CompletableFuture<Void> w = r.admit(5 * EXTENT + 4096, 4096);
        assertFalse(w.isDone(), "neither copy durable");
        assertEquals(1, localDisk.waiting());
        assertEquals(Set.of(new Extent(5)), Set.copyOf(replicator.last().extents()),
                "the secondary is sent the update in parallel with the local write");

        localDisk.release();
        assertEquals(Set.of(new Extent(5)), onDisk());
        assertFalse(w.isDone(), "local copy durable, secondary not yet");

        replicator.lastAck().complete(null);
        assertTrue(w.isDone());
        w.join();
        assertEquals(1, r.metrics().misses());
        assertEquals(1, r.metrics().recordWrites());
    }

    @Test
    void hitsCostNoRecordIo() {
        PredictiveRecord r = open(settings(16, 0));
        write(r, 3 * EXTENT, 4096);
        long generation = RecordFile.read(dir.resolve("record")).generation();

        for (int i = 0; i < 1000; i++) {
            write(r, 3 * EXTENT + (i % 1024) * 4096, 4096);
        }
        RecordMetrics m = r.metrics();
        assertEquals(1001, m.hostWrites());
        assertEquals(1000, m.hits());
        assertEquals(1, m.recordWrites(), "only the first write persisted");
        assertEquals(1, replicator.calls(), "nor was anything sent to the secondary");
        assertEquals(generation, RecordFile.read(dir.resolve("record")).generation(), "the file was not written");
    }

    @Test
    void concurrentMissesShareOneRecordUpdate() {
        PersistHold localDisk = new PersistHold();
        localDisk.hold();
        PredictiveRecord r = open(settings(1024, 0), DIRECT, localDisk);

        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            writes.add(r.admit(i * 7 * EXTENT, 4096)); // 50 different extents, no stream
        }
        assertTrue(writes.stream().noneMatch(CompletableFuture::isDone));
        assertEquals(1, r.metrics().recordWrites(), "the first miss started an update; the others wait for the next");

        localDisk.release();
        assertTrue(writes.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()));
        RecordMetrics m = r.metrics();
        assertEquals(50, m.misses());
        assertEquals(2, m.recordWrites(), "49 misses merged into one update");
        assertEquals(50, onDisk().size());
    }

    @Test
    void aWriteToAnExtentBeingRecordedWaitsForThatUpdateWithoutAnother() {
        PersistHold localDisk = new PersistHold();
        localDisk.hold();
        PredictiveRecord r = open(settings(16, 0), DIRECT, localDisk);
        CompletableFuture<Void> first = r.admit(0, 4096);
        CompletableFuture<Void> second = r.admit(8192, 4096);
        assertFalse(second.isDone(), "its extent is not durable yet: no hit");
        localDisk.release();
        assertTrue(first.isDone() && second.isDone());
        assertEquals(1, r.metrics().recordWrites());
        assertEquals(2, r.metrics().misses());
    }

    @Test
    void capacityZeroMakesEveryWriteMiss() {
        PredictiveRecord r = open(settings(0, 2));
        for (int i = 0; i < 100; i++) {
            write(r, i * 4096, 4096); // one sequential stream inside one extent
        }
        RecordMetrics m = r.metrics();
        assertEquals(0, m.hits());
        assertEquals(100, m.misses());
        assertEquals(100, m.recordWrites());
        assertTrue(r.snapshot().isEmpty(), "nothing idle is kept");
        assertEquals(1000.0, m.recordWritesPer1000HostWrites());
    }

    @Test
    void randomSmallWritesOverAWorkingSetSmallerThanTheRecordAlmostNeverWriteIt() {
        PredictiveRecord r = open(settings(1024, 2));
        Random rnd = new Random(42);
        long workingSet = 512 * EXTENT; // 2 GiB, half the record's reach
        for (int i = 0; i < 20_000; i++) { // warm-up: every extent gets touched
            write(r, rnd.nextLong(workingSet / 4096) * 4096, 4096);
        }
        RecordMetrics warm = r.metrics();
        for (int i = 0; i < 200_000; i++) {
            write(r, rnd.nextLong(workingSet / 4096) * 4096, 4096);
        }
        RecordMetrics done = r.metrics();
        long hostWrites = done.hostWrites() - warm.hostWrites();
        long recordWrites = done.recordWrites() - warm.recordWrites();
        assertTrue(recordWrites * 1000.0 / hostWrites < 1.0,
                recordWrites + " record writes for " + hostWrites + " host writes");
        assertTrue(done.extentsRecorded() <= 1024);
        assertEquals(0, done.extentsPredicted(), "random writes predict nothing");
    }

    @Test
    void aWorkingSetLargerThanTheRecordKeepsMissing() {
        PredictiveRecord r = open(settings(64, 2));
        Random rnd = new Random(42);
        long workingSet = 512 * EXTENT;
        for (int i = 0; i < 1000; i++) { // each miss is a real fdatasync: keep it short
            write(r, rnd.nextLong(workingSet / 4096) * 4096, 4096);
        }
        RecordMetrics m = r.metrics();
        assertTrue(m.recordWritesPer1000HostWrites() > 500, "about 7 in 8 writes miss: " + m);
        assertTrue(m.extentsRecorded() <= 64);
    }

    @Test
    void aSequentialStreamRecordsItsNextExtentsAhead() {
        PredictiveRecord predicting = open(settings(1024, 2));
        for (long off = 0; off < 30 * EXTENT; off += 128 * KIB) {
            write(predicting, off, 128 * KIB);
        }
        // extent 0 (no stream yet), then 1 predicting 2 and 3, then 4 predicting 5 and 6, ...
        assertEquals(11, predicting.metrics().recordWrites());
        assertEquals(20, predicting.metrics().extentsPredicted());
        predicting.close();

        dir.resolve("record").toFile().delete();
        PredictiveRecord plain = open(settings(1024, 0));
        for (long off = 0; off < 30 * EXTENT; off += 128 * KIB) {
            write(plain, off, 128 * KIB);
        }
        assertEquals(30, plain.metrics().recordWrites());
    }

    @Test
    void anExtentWithAWriteInFlightIsNeverEvicted() {
        PredictiveRecord r = open(settings(2, 0));
        CompletableFuture<Void> slow = r.admit(0, 4096); // extent 0 stays in flight throughout
        slow.join();
        for (int i = 1; i <= 20; i++) {
            write(r, i * EXTENT, 4096);
            assertTrue(r.snapshot().contains(new Extent(0)), "after write " + i);
            assertTrue(onDisk().contains(new Extent(0)), "after write " + i + ", on disk");
            assertTrue(replicator.last().contains(new Extent(0)), "after write " + i + ", on the secondary");
        }
        assertTrue(r.snapshot().size() <= 3, "capacity 2 plus the busy one: " + r.snapshot());

        r.complete(0, 4096);
        write(r, 40 * EXTENT, 4096);
        write(r, 41 * EXTENT, 4096);
        assertFalse(onDisk().contains(new Extent(0)), "idle and least recently used: gone at a later update");
    }

    @Test
    void removalIsLazyAndCostsNoRecordWrite() {
        PredictiveRecord r = open(settings(0, 0));
        write(r, 0, 4096);
        assertFalse(r.snapshot().contains(new Extent(0)), "idle and over capacity: out of memory at once");
        assertEquals(Set.of(new Extent(0)), onDisk(), "but still in the file: a stale entry is harmless");
        assertEquals(1, r.metrics().recordWrites(), "dropping it wrote nothing");

        write(r, 7 * EXTENT, 4096);
        assertEquals(Set.of(new Extent(7)), onDisk(), "the next update leaves it out");
    }

    @Test
    void whenBusyExtentsFillTheRecordAMissWaitsForOneToFinish() {
        PredictiveRecord r = open(new RecordSettings(EXTENT, 0, 0, 1));
        int room = (RecordFile.slotSizeFor(1) - RecordFile.HEADER - 4) / 8; // one slot, rounded up to 4 KiB
        List<CompletableFuture<Void>> busy = new ArrayList<>();
        for (int i = 0; i < room; i++) {
            busy.add(r.admit(i * EXTENT, 4096));
        }
        assertTrue(busy.stream().allMatch(CompletableFuture::isDone));
        CompletableFuture<Void> late = r.admit(room * EXTENT, 4096);
        assertFalse(late.isDone(), "no slot entry free and none may be evicted");
        assertEquals(1, r.metrics().waitsForRoom());
        assertTrue(r.admit(0, 4096).isDone(), "a write to a recorded extent needs no room");

        r.complete(5 * EXTENT, 4096);
        assertTrue(late.isDone());
        late.join();
        assertTrue(onDisk().contains(new Extent(room)));
        assertFalse(r.snapshot().contains(new Extent(5)));
    }

    @Test
    void aFailedReplicationFailsItsWritesAndForgetsTheirExtents() {
        replicator.auto = false;
        PredictiveRecord r = open(settings(16, 0));
        CompletableFuture<Void> w = r.admit(2 * EXTENT, 4096);
        replicator.lastAck().completeExceptionally(new IllegalStateException("link down"));
        CompletionException e = assertThrows(CompletionException.class, w::join);
        assertInstanceOf(RecordException.class, e.getCause());
        assertFalse(r.snapshot().contains(new Extent(2)), "not durable on the secondary: no hit later");

        replicator.auto = true;
        write(r, 2 * EXTENT, 4096);
        assertEquals(2, r.metrics().recordWrites(), "tried again, as a new miss");
    }

    @Test
    void aFailedLocalRecordWriteRefusesLaterMissesButHitsGoOn() {
        boolean[] broken = {false};
        Executor io = task -> {
            if (broken[0]) {
                throw new RejectedExecutionException("disk gone");
            }
            task.run();
        };
        PredictiveRecord r = open(settings(16, 0), io, PersistGate.OPEN);
        write(r, 0, 4096);
        broken[0] = true;
        CompletableFuture<Void> miss = r.admit(9 * EXTENT, 4096);
        assertInstanceOf(RecordException.class, assertThrows(CompletionException.class, miss::join).getCause());

        broken[0] = false;
        CompletableFuture<Void> again = r.admit(10 * EXTENT, 4096);
        RecordException refused = (RecordException) assertThrows(CompletionException.class, again::join).getCause();
        assertTrue(refused.getMessage().contains("record"), refused.getMessage());
        write(r, 4096, 4096); // extent 0 is durably recorded: still a hit
        assertEquals(1, r.metrics().hits());
    }

    @Test
    void aRestartedNodeKeepsThePreviousRecordUntilRecoveryCompletes() {
        PredictiveRecord before = open(settings(0, 0));
        before.admit(3 * EXTENT, 4096).join();
        before.admit(4 * EXTENT, 4096).join(); // both in flight when the node "crashes"
        before.close();

        PredictiveRecord after = open(settings(0, 0));
        assertEquals(Set.of(new Extent(3), new Extent(4)), after.recordedExtents());
        write(after, 9 * EXTENT, 4096);
        write(after, 10 * EXTENT, 4096);
        assertTrue(onDisk().containsAll(Set.of(new Extent(3), new Extent(4))), "pinned through updates");

        after.recoveryComplete();
        write(after, 11 * EXTENT, 4096);
        assertEquals(Set.of(new Extent(11)), onDisk(), "resynchronised and idle: gone at the next update");
        assertEquals(Set.of(new Extent(3), new Extent(4)), after.recordedExtents(), "still what was loaded");
    }

    @Test
    void writesOutsideTheVolumeAndUnbalancedCompletionsAreRefused() {
        PredictiveRecord r = open(settings(16, 0));
        assertThrows(CompletionException.class, () -> r.admit(VOLUME, 4096).join());
        assertThrows(CompletionException.class, () -> r.admit(-4096, 4096).join());
        assertThrows(CompletionException.class, () -> r.admit(0, 0).join());
        assertThrows(IllegalStateException.class, () -> r.complete(0, 4096));
        assertEquals(0, r.metrics().recordWrites());
    }

    @Test
    void badSettingsNameTheirConfigurationKey() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new RecordSettings(3 * MIB, 16, 2, 16)).getMessage().contains("record.extent-size"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new RecordSettings(EXTENT, -1, 2, 16)).getMessage().contains("record.capacity"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new RecordSettings(EXTENT, 16, -2, 16)).getMessage().contains("record.predict-ahead"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new RecordSettings(EXTENT, 16, 2, 0)).getMessage().contains("record.busy-headroom"));
    }

    // ---- power cuts: an extent leaves only once a flush of both nodes covers its writes ----

    @Test
    void aCompletedWriteKeepsItsExtentRecordedUntilAFlushOfBothNodesCoversIt() {
        holdFlushes = true;
        PredictiveRecord r = open(settings(1, 0));
        write(r, 0, 4096);
        write(r, 10 * EXTENT, 4096); // over capacity: extent 0 is idle, but dirty
        assertEquals(Set.of(new Extent(0), new Extent(10)), Set.copyOf(r.snapshot().extents()),
                "not evicted: the secondary may hold its write only in its page cache");
        assertEquals(1, heldFlushes.size(), "the record asked for one flush of both nodes");

        write(r, 20 * EXTENT, 4096);
        assertEquals(1, heldFlushes.size(), "one flush at a time: the next gathers what comes meanwhile");

        heldFlushes.get(0).complete(null);
        Set<Extent> left = Set.copyOf(r.snapshot().extents());
        assertTrue(left.contains(new Extent(20)), "written after the flush began: still dirty");
        assertFalse(left.contains(new Extent(0)), "covered by the flush: evicted");
        assertEquals(2, heldFlushes.size(), "still over capacity with a dirty extent: the next flush started");
        heldFlushes.get(1).complete(null);
        assertEquals(1, r.snapshot().extents().size(), "back within capacity");
        assertEquals(2, r.metrics().roomFlushes());
    }

    @Test
    void aHostFlushCleansOnlyWritesThatCompletedBeforeItStarted() {
        PredictiveRecord r = open(settings(0, 0));
        holdFlushes = true;
        write(r, 0, 4096);
        heldFlushes.get(0).complete(null); // the record's own flush: extent 0 gone
        assertTrue(r.snapshot().extents().isEmpty());

        write(r, EXTENT, 4096);
        heldFlushes.clear();
        CompletableFuture<Void> both = new CompletableFuture<>();
        CompletableFuture<Void> host = r.flush(() -> both);
        write(r, 2 * EXTENT, 4096); // completes while the host's flush runs
        both.complete(null);
        host.join();
        assertFalse(r.snapshot().extents().contains(new Extent(1)), "covered by the host's flush");
        assertTrue(r.snapshot().extents().contains(new Extent(2)), "completed after it began: not covered");
    }

    @Test
    void dirtyExtentsFillingTheSlotMakeMissesWaitForTheFlush() {
        holdFlushes = true;
        PredictiveRecord r = open(new RecordSettings(EXTENT, 0, 0, 1));
        int room = fillWithDirtyExtents(r);
        CompletableFuture<Void> late = r.admit(room * EXTENT, 4096);
        assertFalse(late.isDone(), "dirty extents fill the slot: no room until they are flushed");
        for (int i = 0; i < heldFlushes.size(); i++) {
            heldFlushes.get(i).complete(null); // completing one may start the next
        }
        assertTrue(late.isDone() && !late.isCompletedExceptionally());
        assertEquals(Set.of(new Extent(room)), Set.copyOf(r.snapshot().extents()));
        assertEquals(1, r.metrics().waitsForRoom());
    }

    @Test
    void aFailedFlushFailsTheMissesWaitingForRoomAndForgetsNothing() {
        holdFlushes = true;
        PredictiveRecord r = open(new RecordSettings(EXTENT, 0, 0, 1));
        int room = fillWithDirtyExtents(r);
        CompletableFuture<Void> late = r.admit(room * EXTENT, 4096);
        heldFlushes.get(0).completeExceptionally(new IllegalStateException("secondary unreachable"));
        assertTrue(late.isCompletedExceptionally(), "fails as the flush did instead of waiting for ever");
        assertEquals(room, r.snapshot().extents().size(), "every dirty extent stays recorded");
    }

    /** Writes one block to each extent a slot holds, with every flush held: returns how many. */
    private int fillWithDirtyExtents(PredictiveRecord r) {
        int room = (RecordFile.slotSizeFor(1) - RecordFile.HEADER - 4) / 8; // one slot, rounded up to 4 KiB
        for (int i = 0; i < room; i++) {
            write(r, i * EXTENT, 4096);
        }
        assertEquals(1, heldFlushes.size(), "one flush asked for, held");
        return room;
    }

    @Test
    void extentsLoadedAtStartStayDirtyAfterRecoveryUntilAFlushCoversThem() {
        PredictiveRecord first = open(settings(16, 0));
        write(first, 3 * EXTENT, 4096);
        first.close();
        opened.remove(first);

        holdFlushes = true;
        PredictiveRecord again = open(settings(0, 0));
        again.recoveryComplete();
        assertTrue(again.snapshot().extents().contains(new Extent(3)),
                "recovered, but its copies may still be in the partner's page cache");
        heldFlushes.get(0).complete(null);
        assertTrue(again.snapshot().extents().isEmpty());
    }
}
