package net.twinblock.mirror.record;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The secondary's copy of the primary's record: persisted in its own {@link RecordFile} so a
 * restarted secondary knows which extents may differ, and held in memory to gate reads.
 *
 * <p>{@link #apply} is the secondary end of {@link RecordReplicator}: it persists the snapshot
 * and only then completes, which is the acknowledgement the primary waits for. While a snapshot
 * is being persisted, reads are gated on the union of the old and the new record: the extents
 * a write may be in flight on are in one or the other, whichever the file ends up holding.
 *
 * <p>Thread-safe. {@link #touchesRecordedExtent} never blocks (one volatile read and a binary
 * search), so a read path on an event loop may call it.
 */
public final class SecondaryRecord implements AutoCloseable {

    private static final Logger LOG = System.getLogger(SecondaryRecord.class.getName());

    private final RecordFile file;
    private final Executor io;
    private final PersistGate gate;
    private final RecordSnapshot loaded;
    /** What reads are gated on. */
    private volatile RecordSnapshot gating;
    private final Object lock = new Object();
    /** Applies run one after the other, in arrival order (the link delivers them in order). */
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private RecordException poisoned;
    private long applied;

    private SecondaryRecord(RecordFile file, Executor io, PersistGate gate) {
        this.file = file;
        this.io = io;
        this.gate = gate;
        this.loaded = file.loaded();
        this.gating = loaded;
    }

    /**
     * Opens (or creates) the secondary's record file; its extents gate reads from the start.
     *
     * @throws RecordException if the file exists but cannot be read or has no valid slot
     */
    public static SecondaryRecord open(Path file, RecordSettings settings, Executor io) {
        return open(file, settings, io, PersistGate.OPEN);
    }

    /** As {@link #open(Path, RecordSettings, Executor)}, with a gate before each persist (tests). */
    public static SecondaryRecord open(Path file, RecordSettings settings, Executor io, PersistGate gate) {
        return new SecondaryRecord(RecordFile.open(file, settings.extentSize(), settings.maxEntries()), io, gate);
    }

    /** The extents this node's file held at startup: after a crash, those that may differ. */
    public Set<Extent> recordedExtents() {
        return new TreeSet<>(loaded.extents());
    }

    /**
     * Persists the primary's record; completes once it is durable here (the acknowledgement). A
     * snapshot in other extent units is converted to this file's, covering at least its bytes.
     */
    public CompletableFuture<Void> apply(RecordSnapshot snapshot) {
        RecordSnapshot local = snapshot.inExtentsOf(file.extentSize());
        CompletableFuture<Void> done;
        synchronized (lock) {
            done = tail.handle((v, err) -> null) // an earlier failure is reported to its own caller
                    .thenCompose(v -> persist(local));
            tail = done;
        }
        return done.copy();
    }

    private CompletableFuture<Void> persist(RecordSnapshot snapshot) {
        synchronized (lock) {
            if (poisoned != null) {
                return CompletableFuture.failedFuture(poisoned);
            }
        }
        gating = gating.union(snapshot);
        return gate.beforePersist(snapshot).thenCompose(v -> write(snapshot)).whenComplete((v, err) -> {
            if (err == null) {
                gating = snapshot;
                synchronized (lock) {
                    applied++;
                }
            }
            // On failure keep gating on the union: the file may hold either record.
        });
    }

    private CompletableFuture<Void> write(RecordSnapshot snapshot) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        try {
            io.execute(() -> {
                try {
                    file.write(snapshot);
                    written.complete(null);
                } catch (IOException | RuntimeException e) {
                    written.completeExceptionally(poison(e));
                } catch (Error e) {
                    written.completeExceptionally(e);
                    throw e;
                }
            });
        } catch (RejectedExecutionException e) {
            written.completeExceptionally(poison(e));
        }
        return written;
    }

    /**
     * As on the primary: after a failed fdatasync (or a write that never ran) nothing later proves
     * the file durable, so every later apply fails and the primary stops acknowledging misses.
     */
    private RecordException poison(Exception e) {
        RecordException failure = new RecordException("secondary record file " + file.path() + " failed: " + e, e);
        synchronized (lock) {
            if (poisoned == null) {
                poisoned = failure;
            }
        }
        LOG.log(Level.ERROR, "secondary record file {0} failed: {1}", file.path(), e);
        return failure;
    }

    /**
     * True if a read of {@code length} bytes at {@code offset} touches an extent the primary may
     * have a write in flight on: such a read must first ask the primary (DESIGN.md section 4).
     */
    public boolean touchesRecordedExtent(long offset, long length) {
        return gating.touches(offset, length);
    }

    /** The record reads are gated on now. */
    public RecordSnapshot current() {
        return gating;
    }

    /** Snapshots persisted since startup. */
    public long applied() {
        synchronized (lock) {
            return applied;
        }
    }

    @Override
    public void close() {
        file.close();
    }
}
