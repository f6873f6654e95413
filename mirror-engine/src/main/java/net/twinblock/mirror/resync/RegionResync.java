package net.twinblock.mirror.resync;

import io.netty.buffer.ByteBufAllocator;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import net.twinblock.mirror.store.Volume;
import net.twinblock.mirror.store.Failures;

/**
 * Copies the regions an {@link OutageBitmap} marked from the local volume to the peer, a bounded
 * number of copies at a time, while host writes keep being mirrored.
 *
 * <p>Each copy: take a run of adjacent marked regions off the bitmap (up to
 * {@link Limits#maxCopyBytes}), lock it for copy ({@link CopyLock}, shared with the write path),
 * read it, send it as one write, and unlock once the peer has written it. The lock is what orders
 * the copy against host writes: a host write to the range waits until the peer has the copy's
 * older data, so it always lands after it; durability plays no part in that order. The bits are
 * cleared before the read, so a write that marks a region again (the peer went away again) makes a
 * later pass copy it again.
 *
 * <p>Durability comes in batches: the sink's writes may only reach the peer's page cache, and a
 * {@link RegionSink#flush()} after every {@link Limits#flushEveryBytes} (and one at the end) makes
 * them durable. A region counts as done only once a flush that started after its write completed
 * has succeeded. A failed copy or flush puts back on the bitmap its own regions and every region
 * not yet covered by a successful flush, and ends the resync with that failure; the bitmap then
 * holds at least what may still differ (or be lost by a crash of the peer), and a new resync
 * continues from there.
 *
 * <p>Passes repeat until the bitmap is empty: regions marked behind the scan position during a
 * pass are picked up by the next one.
 */
public final class RegionResync {

    private static final Logger LOG = System.getLogger(RegionResync.class.getName());

    /**
     * How a resync paces itself.
     *
     * @param parallelism copies running at the same time (at least 1)
     * @param maxCopyBytes largest run of adjacent marked regions read and sent as one copy; one
     *     region at least
     * @param flushEveryBytes bytes copied between two flushes of the sink; the copies that wait
     *     for a flush are what a failure makes the next resync redo
     */
    public record Limits(int parallelism, int maxCopyBytes, long flushEveryBytes) {
        public Limits {
            if (parallelism < 1) {
                throw new IllegalArgumentException("resync parallelism must be at least 1, not " + parallelism);
            }
            if (maxCopyBytes < 1) {
                throw new IllegalArgumentException("resync copy size must be positive, not " + maxCopyBytes);
            }
            if (flushEveryBytes < 1) {
                throw new IllegalArgumentException("resync flush interval must be positive, not " + flushEveryBytes);
            }
        }
    }

    /** Adjacent regions copied as one: {@code regions} regions from {@code first}. */
    private record Extent(long first, int regions, long offset, int length) {
    }

    /** Extents in one state, with their totals for progress. Under {@code state}. */
    private static final class Extents {
        final List<Extent> list = new ArrayList<>();
        long regions;
        long bytes;

        void add(Extent e) {
            list.add(e);
            regions += e.regions();
            bytes += e.length();
        }

        void remove(Extent e) {
            list.remove(e);
            regions -= e.regions();
            bytes -= e.length();
        }

        List<Extent> takeAll() {
            List<Extent> all = new ArrayList<>(list);
            list.clear();
            regions = 0;
            bytes = 0;
            return all;
        }
    }

    private final OutageBitmap bitmap;
    private final Volume source;
    private final RegionSink sink;
    private final CopyLock lock;
    private final Limits limits;
    private final int maxRegionsPerCopy;
    private final ByteBufAllocator alloc;
    private final LongSupplier nanoClock;
    private final CompletableFuture<ResyncProgress> done = new CompletableFuture<>();

    private final Object state = new Object();
    private long cursor;
    private final Extents copying = new Extents();
    /** Written on the peer, not yet covered by a flush. */
    private final Extents unflushed = new Extents();
    /** Covered by the flush running now (at most one). */
    private final Extents flushing = new Extents();
    private boolean flushRunning;
    private long regionsDone;
    private long bytesDone;
    private long startNanos;
    private boolean started;
    private boolean finishing;
    private Throwable failure;

    /** One region per copy, {@code parallelism} at once, a flush every 16 MiB. */
    public RegionResync(OutageBitmap bitmap, Volume source, RegionSink sink, CopyLock lock, int parallelism,
            ByteBufAllocator alloc) {
        this(bitmap, source, sink, lock, new Limits(parallelism, bitmap.regionSize(), 16L << 20), alloc);
    }

    /** @param lock shared with the write path of the same volume */
    public RegionResync(OutageBitmap bitmap, Volume source, RegionSink sink, CopyLock lock, Limits limits,
            ByteBufAllocator alloc) {
        this(bitmap, source, sink, lock, limits, alloc, System::nanoTime);
    }

    RegionResync(OutageBitmap bitmap, Volume source, RegionSink sink, CopyLock lock, Limits limits,
            ByteBufAllocator alloc, LongSupplier nanoClock) {
        if (bitmap.volumeSize() != source.size()) {
            throw new IllegalArgumentException("bitmap covers " + bitmap.volumeSize() + " bytes but the volume has "
                    + source.size());
        }
        if (bitmap.regionSize() % source.blockSize() != 0) {
            throw new IllegalArgumentException("resync.region-size " + bitmap.regionSize()
                    + " is not a multiple of the block size " + source.blockSize());
        }
        this.bitmap = bitmap;
        this.source = source;
        this.sink = sink;
        this.lock = lock;
        this.limits = limits;
        this.maxRegionsPerCopy = Math.max(1, limits.maxCopyBytes() / bitmap.regionSize());
        this.alloc = alloc;
        this.nanoClock = nanoClock;
    }

    /**
     * Starts copying; the future completes with the final progress once the bitmap is empty and
     * everything copied is flushed, or fails with the first copy or flush failure (or
     * CancellationException after {@link #cancel()}), once every copy and flush already running
     * has ended. Call once.
     */
    public CompletableFuture<ResyncProgress> start() {
        synchronized (state) {
            if (started) {
                throw new IllegalStateException("resync already started");
            }
            started = true;
            startNanos = nanoClock.getAsLong();
        }
        LOG.log(Level.INFO, "resync started: {0} regions ({1} bytes) to copy", bitmap.markedCount(),
                bitmap.markedBytes());
        pump();
        return done;
    }

    /**
     * Stops starting new copies; running ones finish and are flushed (so they count as done),
     * then the future fails with CancellationException.
     */
    public void cancel() {
        synchronized (state) {
            if (failure == null) {
                failure = new CancellationException("resync cancelled");
            }
        }
        pump();
    }

    public ResyncProgress progress() {
        synchronized (state) {
            long elapsed = started ? nanoClock.getAsLong() - startNanos : 0;
            long pendingRegions = copying.regions + unflushed.regions + flushing.regions;
            long pendingBytes = copying.bytes + unflushed.bytes + flushing.bytes;
            return ResyncProgress.of(regionsDone, regionsDone + pendingRegions + bitmap.markedCount(), bytesDone,
                    bitmap.markedBytes() + pendingBytes, elapsed);
        }
    }

    /** Starts copies and flushes as the limits allow, or finishes once nothing runs and nothing is left. */
    private void pump() {
        while (true) {
            Extent next = null;
            List<Extent> batch = null;
            synchronized (state) {
                if (finishing) {
                    return;
                }
                boolean failed = failure != null && !(failure instanceof CancellationException);
                boolean stopping = failure != null;
                if (!failed && !flushRunning && unflushed.bytes >= limits.flushEveryBytes()) {
                    batch = startFlush();
                } else if (!stopping && copying.list.size() < limits.parallelism() && roomBeforeTheFlush()
                        && (next = takeNext()) != null) {
                    copying.add(next);
                } else if (copying.list.isEmpty() && !flushRunning) {
                    // Nothing left to copy (or stopping): the last flush, then the end.
                    if (unflushed.list.isEmpty()) {
                        finishing = true; // exactly one thread completes the future
                    } else {
                        batch = startFlush();
                    }
                } else {
                    return;
                }
            }
            if (next != null) {
                copy(next);
            } else if (batch != null) {
                flush(batch);
            } else {
                break;
            }
        }
        finish();
    }

    /**
     * While a flush runs, copies go on only until the next batch is full: what waits for a flush
     * is what a failure makes the next resync copy again. Under state.
     */
    private boolean roomBeforeTheFlush() {
        return !flushRunning || unflushed.bytes + copying.bytes < limits.flushEveryBytes();
    }

    /**
     * The next run of adjacent marked regions, wrapping around for another pass; their bits are
     * cleared: they are ours now. Under state.
     */
    private Extent takeNext() {
        for (int pass = 0; pass < 2; pass++) {
            long r;
            while ((r = bitmap.nextMarked(cursor)) >= 0) {
                cursor = r + 1;
                if (bitmap.clearRegion(r)) {
                    int n = 1;
                    while (n < maxRegionsPerCopy && r + n < bitmap.regionCount() && bitmap.clearRegion(r + n)) {
                        n++;
                    }
                    cursor = r + n;
                    long offset = bitmap.regionOffset(r);
                    long end = bitmap.regionOffset(r + n - 1) + bitmap.regionLength(r + n - 1);
                    return new Extent(r, n, offset, (int) (end - offset));
                }
            }
            cursor = 0;
            if (bitmap.markedCount() == 0) {
                return null;
            }
        }
        return null;
    }

    private void copy(Extent e) {
        CompletableFuture<Void> copied = lock.lockForCopy(e.offset(), e.length()).thenCompose(hold -> {
            CompletableFuture<Void> sent;
            try {
                // The read buffer is ours until handed to the sink, which then owns and releases it.
                sent = source.read(e.offset(), e.length(), alloc).thenCompose(data -> sink.write(e.offset(), data));
            } catch (RuntimeException ex) {
                sent = CompletableFuture.failedFuture(ex);
            }
            // Released once the peer has written the copy: a host write let in now reaches it later.
            return sent.whenComplete((ok, err) -> hold.release());
        });
        copied.whenComplete((ok, err) -> copyEnded(e, err));
    }

    private void copyEnded(Extent e, Throwable err) {
        synchronized (state) {
            copying.remove(e);
            if (err != null) {
                giveBack(e);
                failed(err);
            } else if (failure != null && !(failure instanceof CancellationException)) {
                giveBack(e); // no flush will cover it any more
            } else {
                unflushed.add(e);
            }
        }
        if (err != null) {
            LOG.log(Level.WARNING, "resync of {0} regions at offset {1} failed: {2}", e.regions(), e.offset(),
                    String.valueOf(err));
        }
        pump();
    }

    /** Everything copied so far goes into the flush about to start. Under state. */
    private List<Extent> startFlush() {
        flushRunning = true;
        List<Extent> batch = unflushed.takeAll();
        batch.forEach(flushing::add);
        return batch;
    }

    private void flush(List<Extent> batch) {
        CompletableFuture<Void> durable;
        try {
            durable = sink.flush();
        } catch (RuntimeException e) {
            durable = CompletableFuture.failedFuture(e);
        }
        durable.whenComplete((ok, err) -> flushEnded(batch, err));
    }

    private void flushEnded(List<Extent> batch, Throwable err) {
        synchronized (state) {
            flushRunning = false;
            flushing.takeAll();
            for (Extent e : batch) {
                if (err == null) {
                    regionsDone += e.regions();
                    bytesDone += e.length();
                } else {
                    giveBack(e);
                }
            }
            if (err != null) {
                failed(err);
            }
        }
        if (err != null) {
            LOG.log(Level.WARNING, "resync flush of {0} copies failed: {1}", batch.size(), String.valueOf(err));
        }
        pump();
    }

    /**
     * The first real failure ends the resync; copies not yet flushed may be lost if the peer
     * crashes, so they are marked again. Under state.
     */
    private void failed(Throwable err) {
        if (failure == null || failure instanceof CancellationException) {
            failure = Failures.cause(err);
        }
        unflushed.takeAll().forEach(this::giveBack);
    }

    /** The peer may lack these regions: they stay to be copied by the next resync. */
    private void giveBack(Extent e) {
        for (long r = e.first(); r < e.first() + e.regions(); r++) {
            bitmap.markRegion(r);
        }
    }

    private void finish() {
        Throwable err;
        ResyncProgress last = progress();
        synchronized (state) {
            err = failure;
        }
        if (err == null) {
            LOG.log(Level.INFO, "resync finished: {0}", last);
            done.complete(last);
        } else {
            LOG.log(Level.WARNING, "resync stopped after {0}: {1}", last, err.toString());
            done.completeExceptionally(err);
        }
    }
}
