package net.twinblock.mirror.pair;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import net.twinblock.mirror.store.DiskHealth;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.Volume;
import net.twinblock.mirror.store.VolumeException;
import net.twinblock.mirror.record.WriteIntent;
import net.twinblock.mirror.resync.DivergenceTracker;
import net.twinblock.mirror.store.Failures;

/**
 * The primary's volume: every write goes to the local file and to the secondary at the same
 * time and completes only when both have it (DESIGN section 3). Overlapping writes are ordered
 * by a {@link RangeLock}: one waits until the earlier is on both nodes, so both apply them in
 * the same order. Reads are local.
 *
 * <p>Once the local disk is detached after a failure ({@code disk.on-error=detach}, {@link
 * DiskHealth}) the local copy is stale for good: writes, discards and flushes go to the secondary
 * alone, and only while it is in sync ({@link Replicator#peerOnly}); reads are refused as
 * ELSEWHERE, so the host reads through the secondary, which stays in sync. A write whose local
 * part fails as the disk detaches is sent again to the secondary with FUA, and completes only
 * once that copy is durable.
 */
public final class MirroredVolume implements Volume {

    private final FileVolume local;
    private final Replicator replicator;
    private final RangeLock ranges;
    private final WriteIntent intent;
    private final DivergenceTracker tracker;
    private final PairMetadata meta;
    /** Host reads, writes, discards and flushes begun: a scrub slows down while this moves. */
    private final LongAdder hostOperations = new LongAdder();

    MirroredVolume(FileVolume local, Replicator replicator, RangeLock ranges, WriteIntent intent,
            DivergenceTracker tracker, PairMetadata meta) {
        this.local = local;
        this.replicator = replicator;
        this.ranges = ranges;
        this.intent = intent;
        this.tracker = tracker;
        this.meta = meta;
    }

    @Override
    public long size() {
        return local.size();
    }

    @Override
    public int blockSize() {
        return local.blockSize();
    }

    @Override
    public CompletableFuture<ByteBuf> read(long offset, int length, ByteBufAllocator alloc) {
        hostOperations.increment();
        if (local.health().detached()) {
            return CompletableFuture.failedFuture(new VolumeException("this primary's disk is detached after a"
                    + " failure (" + local.health().failure() + "): read through the secondary",
                    VolumeException.Fault.ELSEWHERE, null));
        }
        return local.read(offset, length, alloc);
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua) {
        hostOperations.increment();
        int length = data.readableBytes();
        String bad = checkRange("write", offset, length);
        if (bad != null) {
            data.release(); // ours from the call on, also when refusing it
            return CompletableFuture.failedFuture(new VolumeException(bad, false));
        }
        if (length == 0) {
            data.release(); // nothing to write on either node (a zero-length SCSI WRITE is legal)
            return CompletableFuture.completedFuture(null);
        }
        return guarded(offset, length, () -> {
            if (local.health().detached()) {
                return replicator.peerOnly(Replicator.Kind.WRITE, offset, length, fua, data);
            }
            // Two consumers of the one buffer, no copy: the local write releases the caller's
            // reference, the replicator the one retained here for it. Under detach a third
            // reference waits to send the data again should the local write fail.
            CompletableFuture<Void> mirror = replicator.write(offset, data.retain(), fua, false);
            ByteBuf again = local.health().policy() == DiskHealth.OnError.DETACH ? data.retain() : null;
            CompletableFuture<Void> disk = local.write(offset, data, fua);
            return both(offset, length, disk, mirror, again);
        }, data);
    }

    @Override
    public CompletableFuture<Void> discard(long offset, long length) {
        hostOperations.increment();
        String bad = checkRange("discard", offset, length);
        if (bad != null) {
            return CompletableFuture.failedFuture(new VolumeException(bad, false));
        }
        return guarded(offset, length, () -> local.health().detached()
                ? replicator.peerOnly(Replicator.Kind.DISCARD, offset, length, false, null)
                : both(offset, length, local.discard(offset, length), replicator.discard(offset, length, false), null),
                null);
    }

    /**
     * Both nodes durable: the local fdatasync and the secondary's FLUSH_ACK (under CONTINUE without
     * a secondary, the outage bitmap holds what it lacks). The record then forgets the extents the
     * flush covered.
     */
    @Override
    public CompletableFuture<Void> flush() {
        hostOperations.increment();
        return unwrap(intent.flush(() -> flushBoth(local, replicator)));
    }

    /** The one flush of both nodes: a host's, and the one the record starts to make room. */
    static CompletableFuture<Void> flushBoth(FileVolume local, Replicator replicator) {
        if (local.health().detached()) {
            return replicator.peerOnly(Replicator.Kind.FLUSH, 0, 0, false, null);
        }
        CompletableFuture<Void> mirror = replicator.flush();
        // A failed fdatasync that detaches the disk: what was acknowledged is on the secondary,
        // and becomes durable there, or the flush fails.
        CompletableFuture<Void> disk = local.flush().exceptionallyCompose(e -> local.health().detached()
                ? replicator.peerOnly(Replicator.Kind.FLUSH, 0, 0, false, null) : CompletableFuture.failedFuture(e));
        return CompletableFuture.allOf(disk, mirror);
    }

    @Override
    public void close() {
        // The node owns the local volume and the link; PairNode.close() ends both.
    }

    /**
     * Runs a data-changing operation: record hook, link admission (SUSPEND), then the range lock,
     * then the operation; the lease and the hook are released however it ends. {@code owned} is
     * released here if the operation never starts. A write admitted at once (a record hit, the link
     * up, its range free: nearly every one) chains no future until its operation's, and its lease
     * has none either.
     */
    private CompletableFuture<Void> guarded(long offset, long length, Supplier<CompletableFuture<Void>> op,
            ByteBuf owned) {
        CompletableFuture<RangeLock.Lease> leased;
        try {
            CompletableFuture<Void> admitted = admit(offset, length);
            if (completedNormally(admitted)) {
                RangeLock.Lease lease = ranges.request(offset, length);
                if (lease.grantedAtRequest()) {
                    return run(lease, offset, length, op);
                }
                leased = lease.whenGranted();
            } else {
                leased = admitted.thenCompose(v -> ranges.acquire(offset, length));
            }
        } catch (RuntimeException e) {
            leased = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        leased.whenComplete((lease, err) -> {
            if (err != null) {
                if (owned != null) {
                    owned.release(); // never reached either consumer
                }
                result.completeExceptionally(Failures.volumeError(err));
                return;
            }
            run(lease, offset, length, op).whenComplete((ok, failure) -> {
                if (failure == null) {
                    result.complete(null);
                } else {
                    result.completeExceptionally(Failures.cause(failure));
                }
            });
        });
        return result;
    }

    /** The record's hook, then the link's admission, the second once the first is done. */
    private CompletableFuture<Void> admit(long offset, long length) {
        CompletableFuture<Void> recorded = intent.beforeWrite(offset, length);
        return completedNormally(recorded) ? linkReady(offset, length)
                : recorded.thenCompose(v -> linkReady(offset, length));
    }

    /** The link's admission; a refusal ends the record's hook too, as the write will not run. */
    private CompletableFuture<Void> linkReady(long offset, long length) {
        CompletableFuture<Void> ready = replicator.ready();
        return completedNormally(ready) ? ready : ready.whenComplete((ok, err) -> {
            if (err != null) {
                intent.afterWrite(offset, length);
            }
        });
    }

    /** The operation under its lease; the lease and the record's hook end with it. */
    private CompletableFuture<Void> run(RangeLock.Lease lease, long offset, long length,
            Supplier<CompletableFuture<Void>> op) {
        CompletableFuture<Void> done;
        try {
            done = meta.get().empty() ? firstWrite().thenCompose(v -> op.get()) : op.get();
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        return done.handle((ok, failure) -> {
            lease.close();
            intent.afterWrite(offset, length);
            if (failure != null) {
                throw new CompletionException(Failures.volumeError(failure));
            }
            return null;
        });
    }

    /** Done and not failed: a future the caller may go on from at once, without chaining on it. */
    static boolean completedNormally(CompletableFuture<?> f) {
        return f.isDone() && !f.isCompletedExceptionally();
    }

    /**
     * The first write ever makes the metadata say "not empty" durably before it runs: a
     * secondary replaced later must then get a full copy, never be taken as in sync.
     */
    private CompletableFuture<Void> firstWrite() {
        return meta.update(m -> m.withWritten());
    }

    /**
     * Waits for the local part and the mirror part; a local failure with a mirrored success
     * diverges, unless the failure detached the disk: then the write is sent again ({@code again},
     * released here otherwise) to the secondary alone, with FUA. One small object counting the two
     * halves down, not a chain of futures: this runs for every host write (an {@code allOf} and three
     * stages here were eight futures and their completions per write).
     */
    private CompletableFuture<Void> both(long offset, long length, CompletableFuture<Void> disk,
            CompletableFuture<Void> mirror, ByteBuf again) {
        Halves halves = new Halves(offset, length, disk, mirror, again);
        disk.whenComplete(halves);
        mirror.whenComplete(halves);
        return halves.result;
    }

    /** One write's two halves, settled by whichever completes last. */
    private final class Halves extends AtomicInteger implements BiConsumer<Void, Throwable> {
        private static final long serialVersionUID = 1L;

        private final long offset;
        private final long length;
        private final CompletableFuture<Void> disk;
        private final CompletableFuture<Void> mirror;
        private final ByteBuf again;
        final CompletableFuture<Void> result = new CompletableFuture<>();

        Halves(long offset, long length, CompletableFuture<Void> disk, CompletableFuture<Void> mirror, ByteBuf again) {
            super(2);
            this.offset = offset;
            this.length = length;
            this.disk = disk;
            this.mirror = mirror;
            this.again = again;
        }

        @Override
        public void accept(Void ok, Throwable err) {
            if (decrementAndGet() == 0) {
                try {
                    settle();
                } catch (RuntimeException e) {
                    result.completeExceptionally(Failures.volumeError(e)); // never a host write left hanging
                }
            }
        }

        /** The local failure first, as it decides a re-send. */
        private void settle() {
            Throwable err = failure(disk);
            if (err == null) {
                err = failure(mirror);
            }
            if (err != null && again != null && disk.isCompletedExceptionally() && local.health().detached()) {
                replicator.peerOnly(Replicator.Kind.WRITE, offset, length, true, again)
                        .whenComplete((ok, resent) -> finish(resent));
                return;
            }
            if (again != null) {
                again.release();
            }
            finish(err);
        }

        private void finish(Throwable err) {
            if (err == null) {
                result.complete(null);
                return;
            }
            if (disk.isCompletedExceptionally() && !mirror.isCompletedExceptionally() && !local.health().detached()) {
                // The secondary may hold what the primary failed to write: not identical any more.
                tracker.markChanged(offset, length);
                meta.update(PairMetadata.Meta::diverged);
            }
            result.completeExceptionally(Failures.volumeError(err));
        }
    }

    /** The exception a completed future ended with, or null. */
    private static Throwable failure(CompletableFuture<Void> done) {
        if (!done.isCompletedExceptionally()) {
            return null;
        }
        try {
            done.join();
            return null;
        } catch (CompletionException | CancellationException e) {
            return e;
        }
    }

    private static CompletableFuture<Void> unwrap(CompletableFuture<Void> f) {
        return f.handle((ok, err) -> {
            if (err != null) {
                throw new CompletionException(Failures.volumeError(err));
            }
            return null;
        });
    }

    private String checkRange(String op, long offset, long length) {
        int bs = local.blockSize();
        if (offset < 0 || length < 0 || offset % bs != 0 || length % bs != 0) {
            return op + " of " + length + " bytes at offset " + offset + " is not aligned to the block size " + bs;
        }
        if (offset > local.size() || length > local.size() - offset) {
            return op + " of " + length + " bytes at offset " + offset + " goes beyond the end of the volume ("
                    + local.size() + " bytes)";
        }
        return null;
    }

    /**
     * Host operations begun on this volume so far. Resync, repair and scrub I/O goes to the local
     * file and the replicator directly, so only hosts move it.
     */
    long hostOperations() {
        return hostOperations.sum();
    }

    // ---- the initial copy shares the range lock with host writes ----

    RangeLock ranges() {
        return ranges;
    }

    FileVolume local() {
        return local;
    }

    Replicator replicator() {
        return replicator;
    }
}
