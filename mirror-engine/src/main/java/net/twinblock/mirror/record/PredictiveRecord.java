package net.twinblock.mirror.record;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import net.twinblock.mirror.record.RecordUpdates.Batch;

/**
 * The primary's predictive record: the extents that are being, or are about to be, written, so
 * that after a crash only they need resynchronising (DESIGN.md section 5).
 *
 * <p>Around every host write the volume calls {@link #admit} before issuing it and
 * {@link #complete} once it is on both nodes:
 * <ul>
 * <li>A write whose extents are all durably recorded is a <em>hit</em>: its future is already
 *     complete and no record I/O happens.</li>
 * <li>Otherwise it is a <em>miss</em>: its extents, plus those the {@link Predictor} expects
 *     next, join the next record update. An update writes the local {@link RecordFile} and
 *     replicates the same snapshot to the secondary in parallel; the writes waiting on it are
 *     released only when both are durable.</li>
 * <li>Group commit: at most one update runs at a time. Misses arriving meanwhile gather into the
 *     next update, which starts when the running one ends, so any number of concurrent misses
 *     cost two updates at most.</li>
 * <li>The rule that makes a power cut safe: <em>an extent leaves the record only when no write
 *     is in flight there and every write completed there is covered by a flush that completed on
 *     both nodes</em> (a host's SYNCHRONIZE CACHE, or one the record asks for). A write the
 *     secondary acknowledged may sit in its page cache only; until a flush covers it the extent
 *     is <em>dirty</em>. Both nodes' files therefore name every extent a power cut of either can
 *     have made differ.</li>
 * <li>Removal is lazy: a clean idle extent stays as a hit candidate until the
 *     least-recently-used order evicts it to stay within capacity; eviction changes only the
 *     memory, the next update drops it from the files. When dirty idle extents keep the record
 *     above capacity it starts one flush of both nodes (through its {@link RecordFlusher}); the
 *     flush cleans every extent dirty when it started, so one flush frees many, and the next
 *     starts when it ends (group commit). A stale extent in a file costs only extra resync.</li>
 * <li>When pinned (busy or dirty) extents alone would exceed capacity plus the busy headroom
 *     (what a file slot can hold), a miss waits, in arrival order, until writes complete or a
 *     flush cleans. Below that the record grows past capacity rather than delay a write.</li>
 * </ul>
 *
 * <p>Extents loaded from the file at startup (a previous run's record: after a crash, the only
 * extents that may differ) stay pinned until {@link #recoveryComplete()} says they were
 * resynchronised, so a second crash before then still finds them; then they are dirty, like
 * extents just written, until a flush of both nodes covers them (a resync's copies, or a
 * partner's writes from before a clean restart, may still be in a page cache).
 *
 * <p>Thread-safe; nothing blocks the caller. File writes run on the executor given to
 * {@code open}. Futures complete on that executor or on the replicator's thread (the link), so
 * continuations must not block either.
 *
 * <p>Admission, eviction and flush cleaning share one lock and one invariant (every extent a
 * write may have left different on the two nodes is in the files before that write goes out, and
 * stays there until a flush of both covers it), so they stay here. The set bookkeeping is apart in
 * {@link LruExtentSet}, the prediction in {@link Predictor}, and the group commit of updates (what
 * each new extent waits on, writing both files, undoing a failed update) in {@link RecordUpdates},
 * the misses waiting for room and the flush that makes it in {@link RecordRoom}; both are called
 * under this lock.
 */
public final class PredictiveRecord implements AutoCloseable {

    private static final Logger LOG = System.getLogger(PredictiveRecord.class.getName());

    /** Markers {@link #admitLocked} returns instead of an update. */
    private static final Batch HIT = new Batch();
    private static final Batch NO_ROOM = new Batch();
    private static final Batch REFUSED = new Batch();

    private final RecordFile file;
    private final RecordSettings settings;
    private final long volumeSize;
    private final RecordSnapshot loaded;
    private final int maxEntries;

    private final Object lock = new Object();
    private final LruExtentSet extents;
    private final Predictor predictor;
    private final RecordUpdates updates;
    private final RecordRoom room;
    /** Counts completed writes: an extent's dirty mark, and a flush's mark of what it covers. */
    private long completedSeq;
    private boolean pinned;
    private boolean closed;

    private long hostWrites;
    private long hits;
    private long misses;
    private long extentsAdded;
    private long extentsPredicted;
    private long evictions;

    private PredictiveRecord(RecordFile file, RecordSettings settings, long volumeSize, RecordReplicator replicator,
            RecordFlusher flusher, Executor io, PersistGate gate) {
        this.file = file;
        this.settings = settings;
        this.volumeSize = volumeSize;
        this.room = new RecordRoom(flusher);
        this.loaded = file.loaded();
        this.maxEntries = file.maxEntries();
        this.extents = new LruExtentSet(settings.capacity());
        long extentCount = (volumeSize + settings.extentSize() - 1) / settings.extentSize();
        this.predictor = new Predictor(settings.extentSize(), settings.predictAhead(), extentCount);
        this.updates = new RecordUpdates(file, settings.extentSize(), extents, replicator, io, gate);
        for (Extent e : loaded.extents()) {
            extents.add(e);
            extents.begin(e); // pinned like a write in flight: not evictable until recovered
        }
        this.pinned = !loaded.isEmpty();
    }

    /**
     * Opens (or creates) the record file and starts with its extents recorded.
     *
     * @param volumeSize bytes of the volume; writes must fall inside it, predictions never pass it
     * @param flusher    flushes both nodes when dirty extents keep the record above capacity
     * @param io         runs the record file writes (blocking I/O); not shut down by the record
     * @throws RecordException if the file exists but cannot be read or has no valid slot
     */
    public static PredictiveRecord open(Path file, RecordSettings settings, long volumeSize,
            RecordReplicator replicator, RecordFlusher flusher, Executor io) {
        return open(file, settings, volumeSize, replicator, flusher, io, PersistGate.OPEN);
    }

    /** As {@link #open(Path, RecordSettings, long, RecordReplicator, RecordFlusher, Executor)}, with a gate on local persists. */
    public static PredictiveRecord open(Path file, RecordSettings settings, long volumeSize,
            RecordReplicator replicator, RecordFlusher flusher, Executor io, PersistGate gate) {
        if (volumeSize <= 0) {
            throw new IllegalArgumentException("volume size must be positive, not " + volumeSize);
        }
        RecordFile f = RecordFile.open(file, settings.extentSize(), settings.maxEntries());
        if (!f.loaded().isEmpty()) {
            LOG.log(Level.WARNING, "record {0} holds {1} extents from the previous run: they may differ"
                    + " from the peer until resynchronised", file, Integer.toString(f.loaded().size()));
        }
        return new PredictiveRecord(f, settings, volumeSize, replicator, flusher, io, gate);
    }

    public RecordSettings settings() {
        return settings;
    }

    /**
     * The extents the file held when this node started. After a crash these are the only
     * extents whose data may differ between the nodes.
     */
    public Set<Extent> recordedExtents() {
        return new TreeSet<>(loaded.extents());
    }

    /**
     * Says the extents loaded at startup were resynchronised, so they may leave the record like
     * any idle extent. Until then they stay recorded through any number of updates and crashes.
     */
    public void recoveryComplete() {
        List<Batch> launch = new ArrayList<>();
        List<Runnable> after = new ArrayList<>();
        synchronized (lock) {
            if (!pinned) {
                return;
            }
            pinned = false;
            long seq = ++completedSeq; // dirty until a flush of both nodes covers them
            for (Extent e : loaded.extents()) {
                extents.end(e, seq);
            }
            afterExtentsFreed(after, launch);
        }
        finish(after, launch);
    }

    /**
     * Called before a host write of {@code length} bytes at {@code offset} is issued. The write
     * may be issued when the future completes; it then counts as in flight until
     * {@link #complete}. If the future fails, the write must fail too and must not call
     * {@code complete} (the record has already forgotten it).
     */
    public CompletableFuture<Void> admit(long offset, long length) {
        if (offset < 0 || length <= 0 || offset > volumeSize - length) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("write of " + length
                    + " bytes at offset " + offset + " is outside the volume of " + volumeSize + " bytes"));
        }
        long span = Extent.last(offset, length, settings.extentSize()) - Extent.first(offset, settings.extentSize()) + 1;
        if (span > maxEntries) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("write of " + length
                    + " bytes spans " + span + " extents, more than the record can hold (" + maxEntries
                    + "); raise record.busy-headroom or record.extent-size"));
        }
        CompletableFuture<Void> result;
        List<Batch> launch = new ArrayList<>(1);
        List<Runnable> after = new ArrayList<>(0);
        synchronized (lock) {
            hostWrites++;
            List<Extent> predicted = predictor.onWrite(offset, length);
            Batch admitted = !room.anyWaiting() || !needsRoom(offset, length)
                    ? admitLocked(offset, length, predicted) : NO_ROOM;
            if (admitted == HIT) {
                hits++;
            } else {
                misses++;
            }
            if (admitted == NO_ROOM) {
                result = room.await(offset, length, predicted);
            } else {
                result = futureOf(admitted);
            }
            startNextLocked(launch);
            flushForRoomLocked(after);
        }
        finish(after, launch);
        return result;
    }

    /**
     * Called once the write admitted at this range is complete on both nodes (or failed: it may
     * still have reached one of them). Its extents stay dirty until a flush of both covers it.
     */
    public void complete(long offset, long length) {
        List<Batch> launch = new ArrayList<>(1);
        List<Runnable> after = new ArrayList<>();
        synchronized (lock) {
            for (long i = Extent.first(offset, settings.extentSize());
                    i <= Extent.last(offset, length, settings.extentSize()); i++) {
                if (extents.inFlight(new Extent(i)) == 0) {
                    // Check all first: a caller bug must not leave half the range ended.
                    throw new IllegalStateException("complete(" + offset + ", " + length + ") without a"
                            + " write in flight on extent " + i);
                }
            }
            boolean freed = false;
            long seq = ++completedSeq;
            for (long i = Extent.first(offset, settings.extentSize());
                    i <= Extent.last(offset, length, settings.extentSize()); i++) {
                freed |= extents.end(new Extent(i), seq);
            }
            if (freed) {
                afterExtentsFreed(after, launch);
            }
        }
        finish(after, launch);
    }

    /**
     * A host's flush: runs {@code both} (the mirroring side's flush of both nodes) and, once it
     * succeeded, cleans every extent dirty when it began.
     */
    public CompletableFuture<Void> flush(RecordFlusher both) {
        long mark;
        synchronized (lock) {
            mark = completedSeq;
        }
        return both.flush().thenRun(() -> flushed(mark));
    }

    /** Every write of sequence {@code <= mark} is durable on both nodes (or tracked for the secondary). */
    private void flushed(long mark) {
        List<Batch> launch = new ArrayList<>(1);
        List<Runnable> after = new ArrayList<>();
        synchronized (lock) {
            if (extents.cleanUpTo(mark) > 0) {
                afterExtentsFreed(after, launch);
            }
        }
        finish(after, launch);
    }

    /**
     * Starts a flush of both nodes when dirty idle extents keep the record above capacity or keep
     * a miss waiting for room; at most one runs, and each cleans all that was dirty when it began.
     */
    private void flushForRoomLocked(List<Runnable> after) {
        if (closed || extents.dirtyIdle() == 0 || (extents.size() <= settings.capacity() && !room.anyWaiting())) {
            return;
        }
        room.flush(completedSeq, after, this::roomFlushEnded);
    }

    private void roomFlushEnded(long mark, Throwable err) {
        List<Batch> launch = new ArrayList<>(1);
        List<Runnable> after = new ArrayList<>();
        List<CompletableFuture<Void>> failed = List.of();
        synchronized (lock) {
            room.flushEnded();
            if (err == null) {
                extents.cleanUpTo(mark);
                afterExtentsFreed(after, launch);
            } else {
                // The misses waiting for room would wait on a flush that cannot happen (no secondary
                // under SUSPEND, a failing disk): they fail as it did; the next write tries again.
                failed = room.drain();
                LOG.log(Level.WARNING, "flush for record room failed: {0}", err.toString());
            }
        }
        Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                ? err.getCause() : err;
        failed.forEach(w -> w.completeExceptionally(cause));
        finish(after, launch);
    }

    /** The record as it is in memory now (what the next update would write). */
    public RecordSnapshot snapshot() {
        synchronized (lock) {
            return RecordSnapshot.of(updates.generation(), settings.extentSize(), extents.extents());
        }
    }

    public RecordMetrics metrics() {
        synchronized (lock) {
            return new RecordMetrics(hostWrites, hits, misses, updates.updates(), extents.size(), extentsAdded,
                    extentsPredicted, evictions, room.waits(), extents.dirtyIdle(), room.flushes());
        }
    }

    /** True if any extent of the range is not in the record (so admitting it would miss). */
    private boolean needsRoom(long offset, long length) {
        for (long i = Extent.first(offset, settings.extentSize());
                i <= Extent.last(offset, length, settings.extentSize()); i++) {
            if (!extents.contains(new Extent(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Admits a write under the lock: {@link #HIT} (go ahead, nothing to persist), {@link #NO_ROOM}
     * (a miss, but busy extents fill every slot entry: nothing changed), {@link #REFUSED} (a miss
     * the record can no longer persist: nothing changed), or the update the write waits on.
     */
    private Batch admitLocked(long offset, long length, List<Extent> predicted) {
        long first = Extent.first(offset, settings.extentSize());
        long last = Extent.last(offset, length, settings.extentSize());
        int missing = 0;
        int becomingPinned = 0;
        Batch wait = null;
        for (long i = first; i <= last; i++) {
            Extent e = new Extent(i);
            if (!extents.contains(e)) {
                missing++;
                becomingPinned++;
            } else {
                if (!extents.isPinned(e)) {
                    becomingPinned++;
                }
                Batch b = updates.carrying(e);
                if (b != null && (wait == null || updates.isNext(b))) {
                    wait = b; // the later update: it carries everything the earlier one holds
                }
            }
        }
        if (missing > 0) {
            if (updates.poisoned() != null || closed) {
                return REFUSED;
            }
            if (extents.pinned() + becomingPinned > maxEntries) {
                return NO_ROOM;
            }
            wait = updates.next();
            for (long i = first; i <= last; i++) {
                Extent e = new Extent(i);
                if (!extents.contains(e)) {
                    extents.add(e);
                    updates.carry(e);
                    extentsAdded++;
                }
            }
            for (Extent p : predicted) {
                if (!extents.contains(p)) {
                    extents.add(p);
                    updates.carry(p);
                    extentsPredicted++;
                }
            }
        }
        for (long i = first; i <= last; i++) {
            extents.begin(new Extent(i));
        }
        evictLocked();
        if (wait == null) {
            return HIT;
        }
        wait.writes.add(new long[] {offset, length});
        return wait;
    }

    /** The future an admitted write waits on. */
    private CompletableFuture<Void> futureOf(Batch admitted) {
        if (admitted == HIT) {
            return CompletableFuture.completedFuture(null);
        }
        if (admitted == REFUSED) {
            return CompletableFuture.failedFuture(updates.poisoned() != null ? updates.poisoned()
                    : new RecordException("record " + file.path() + " is closed"));
        }
        // A copy per write: a caller completing or cancelling its future must not release others.
        return admitted.done.copy();
    }

    private void evictLocked() {
        for (Extent e : extents.evictIdle()) {
            updates.forget(e); // an idle predicted extent no update needs to carry any more
            evictions++;
        }
    }

    /** Some extents went idle: evict down to capacity and admit waiters that now fit. */
    private void afterExtentsFreed(List<Runnable> after, List<Batch> launch) {
        evictLocked();
        room.admitWaiting((offset, length, predicted) -> {
            Batch batch = admitLocked(offset, length, predicted);
            return batch == NO_ROOM ? null : futureOf(batch);
        }, after);
        startNextLocked(launch);
        flushForRoomLocked(after);
    }

    private void startNextLocked(List<Batch> launch) {
        Batch started = updates.start();
        if (started != null) {
            launch.add(started);
        }
    }

    private void finish(List<Runnable> after, List<Batch> launch) {
        after.forEach(Runnable::run);
        launch.forEach(b -> updates.write(b, this::persisted));
    }

    /** An update ended: release (or fail) its writes and start the next one. */
    private void persisted(Batch batch, Throwable localError, Throwable remoteError) {
        List<Batch> failed = new ArrayList<>();
        List<Batch> launch = new ArrayList<>(1);
        List<Runnable> after = new ArrayList<>();
        RecordException error;
        synchronized (lock) {
            error = updates.ended(batch, localError, remoteError, failed);
            afterExtentsFreed(after, launch);
        }
        for (Batch b : failed) {
            b.done.completeExceptionally(b == batch ? error : poisonedOrClosed());
        }
        if (failed.isEmpty()) {
            batch.done.complete(null);
        }
        finish(after, launch);
    }

    private RecordException poisonedOrClosed() {
        synchronized (lock) {
            RecordException poisoned = updates.poisoned();
            return poisoned != null ? poisoned : new RecordException("record " + file.path() + " is closed");
        }
    }

    /**
     * Closes the record file. Call after the volume drained its writes; misses after this fail.
     */
    @Override
    public void close() {
        List<CompletableFuture<Void>> dropped;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            dropped = room.drain();
        }
        RecordException gone = new RecordException("record " + file.path() + " is closed");
        dropped.forEach(w -> w.completeExceptionally(gone));
        file.close();
    }
}
