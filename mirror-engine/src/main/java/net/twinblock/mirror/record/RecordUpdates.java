package net.twinblock.mirror.record;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The {@link PredictiveRecord}'s group commit of record updates: which update makes each newly
 * recorded extent durable, the one update running and the next one gathering misses, and the
 * writing of an update's snapshot to the local {@link RecordFile} and to the secondary at once.
 *
 * <p>Apart from the record so that class decides what is recorded (admission, eviction, flush
 * cleaning) and this one how an update gets durable on both nodes, or is undone when it cannot.
 * A failed local write poisons the updates for good: after a failed fdatasync the page cache may
 * have dropped the update and cleared the error, so a later "successful" write proves nothing.
 *
 * <p>Not thread-safe on its own: the record calls every method holding its lock, except
 * {@link #write}, which it calls after letting go of it (file writes run on the I/O executor;
 * the end of an update is reported from there or from the replicator's thread).
 */
final class RecordUpdates {

    /** The record's logger: its update failures read as they did before this class was split off. */
    private static final Logger LOG = System.getLogger(PredictiveRecord.class.getName());

    /** One record update: the writes waiting on it and the extents it makes durable. */
    static final class Batch {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        /** (offset, length) of each write released by this update, to undo them if it fails. */
        final List<long[]> writes = new ArrayList<>();
        final List<Extent> added = new ArrayList<>();
        RecordSnapshot snapshot;
    }

    /** Told when an update's local write and replication both ended; either error may be null. */
    interface Ended {
        void persisted(Batch batch, Throwable localError, Throwable remoteError);
    }

    private final RecordFile file;
    private final long extentSize;
    private final LruExtentSet extents;
    private final RecordReplicator replicator;
    private final Executor io;
    private final PersistGate gate;

    /** Extents added but not yet durable, and the update that will make them so. */
    private final Map<Extent, Batch> pending = new HashMap<>();
    private Batch running;
    private Batch next;
    private long generation;
    private long updates;
    private RecordException poisoned;

    RecordUpdates(RecordFile file, long extentSize, LruExtentSet extents, RecordReplicator replicator, Executor io,
            PersistGate gate) {
        this.file = file;
        this.extentSize = extentSize;
        this.extents = extents;
        this.replicator = replicator;
        this.io = io;
        this.gate = gate;
        this.generation = file.generation();
    }

    /** The generation of the last update started (the file's at startup). */
    long generation() {
        return generation;
    }

    /** Updates started so far. */
    long updates() {
        return updates;
    }

    /** The update that makes {@code e} durable, or null if it is durable already. */
    Batch carrying(Extent e) {
        return pending.get(e);
    }

    boolean isNext(Batch b) {
        return b == next;
    }

    /** The update gathering misses (created if none is). */
    Batch next() {
        if (next == null) {
            next = new Batch();
        }
        return next;
    }

    /** {@code e}, just recorded in memory, becomes durable with the next update. */
    void carry(Extent e) {
        Batch b = next();
        pending.put(e, b);
        b.added.add(e);
    }

    /** An evicted extent: no update needs to carry it any more. */
    void forget(Extent e) {
        pending.remove(e);
    }

    /** Starts the next update if none runs: its snapshot is the record now. Null if none starts. */
    Batch start() {
        if (running != null || next == null) {
            return null;
        }
        running = next;
        next = null;
        generation++;
        updates++;
        running.snapshot = RecordSnapshot.of(generation, extentSize, extents.extents());
        return running;
    }

    /** Why misses are refused for good (a local write failed), or null. */
    RecordException poisoned() {
        return poisoned;
    }

    /**
     * The running update ended. On success its extents are durable. On failure it is undone, and
     * after a local failure the gathering one too (it could only fail the same way).
     *
     * @param failed gets the updates undone, whose writes must fail
     * @return the error the failed update's writes fail with; null on success
     */
    RecordException ended(Batch batch, Throwable localError, Throwable remoteError, List<Batch> failed) {
        running = null;
        if (localError == null && remoteError == null) {
            for (Extent e : batch.added) {
                pending.remove(e, batch);
            }
            return null;
        }
        RecordException error;
        if (localError != null) {
            error = new RecordException("record update " + batch.snapshot.generation() + " could not be"
                    + " written to " + file.path() + ": " + localError, localError);
            // After a failed fdatasync the page cache may have dropped the update and cleared
            // the error; a later "successful" write proves nothing. Refuse misses from now on.
            poisoned = new RecordException("record file " + file.path() + " failed earlier ("
                    + localError + "); writes to unrecorded extents are refused until the node"
                    + " restarts", localError);
            LOG.log(Level.ERROR, "record file {0} failed: {1}", file.path(), localError);
        } else {
            error = new RecordException("record update " + batch.snapshot.generation() + " was not"
                    + " acknowledged by the secondary: " + remoteError, remoteError);
            LOG.log(Level.WARNING, "record update {0} not replicated: {1}",
                    Long.toString(batch.snapshot.generation()), remoteError);
        }
        undo(batch);
        failed.add(batch);
        if (poisoned != null && next != null) {
            undo(next);
            failed.add(next);
            next = null;
        }
        return error;
    }

    /**
     * Undoes a failed update: its writes fail (their in-flight counts end here), and its extents
     * leave the record unless a write waiting on the following update still needs them, in which
     * case that update carries them.
     */
    private void undo(Batch batch) {
        for (long[] w : batch.writes) {
            for (long i = Extent.first(w[0], extentSize); i <= Extent.last(w[0], w[1], extentSize); i++) {
                extents.end(new Extent(i), 0); // never issued: nothing to flush
            }
        }
        for (Extent e : batch.added) {
            if (pending.get(e) != batch) {
                continue;
            }
            if (extents.removeIdle(e)) {
                pending.remove(e);
            } else {
                Batch carrier = next();
                pending.put(e, carrier);
                carrier.added.add(e);
            }
        }
    }

    /**
     * Writes an update outside the lock: the local file (through the gate) and the replication to
     * the secondary in parallel; {@code ended} hears of both.
     */
    void write(Batch batch, Ended ended) {
        RecordSnapshot snap = batch.snapshot;
        CompletableFuture<Void> local;
        try {
            local = gate.beforePersist(snap).thenCompose(v -> writeLocal(snap));
        } catch (RuntimeException e) {
            local = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> remote;
        try {
            remote = replicator.replicate(snap);
        } catch (RuntimeException e) {
            remote = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> localDone = local;
        CompletableFuture<Void> remoteDone = remote;
        CompletableFuture.allOf(local, remote).whenComplete((v, err) -> ended.persisted(batch,
                failure(localDone), failure(remoteDone)));
    }

    private static Throwable failure(CompletableFuture<Void> f) {
        try {
            f.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (CancellationException e) {
            return e;
        }
    }

    private CompletableFuture<Void> writeLocal(RecordSnapshot snap) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        try {
            io.execute(() -> {
                try {
                    file.write(snap);
                    written.complete(null);
                } catch (IOException | RuntimeException e) {
                    written.completeExceptionally(e);
                } catch (Error e) {
                    written.completeExceptionally(e); // never leave host writes waiting forever
                    throw e;
                }
            });
        } catch (RejectedExecutionException e) {
            written.completeExceptionally(e);
        }
        return written;
    }
}
