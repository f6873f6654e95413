package net.twinblock.mirror.resync;

import io.netty.buffer.ByteBufAllocator;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongSupplier;
import net.twinblock.mirror.store.Volume;

/**
 * Copies the regions an {@link OutageBitmap} marked from the local volume to the peer, a bounded
 * number at a time, while host writes keep being mirrored.
 *
 * <p>Each region: take it off the bitmap, lock it for copy ({@link CopyLock}, shared with the
 * write path), read it, send it, and unlock once the peer has it durably. The bit is cleared before the read, so a write that
 * marks the region again (the peer went away again) makes a later pass copy it again. A failed
 * copy puts its region back on the bitmap and ends the resync with that failure; the bitmap then
 * holds exactly what still differs, and a new resync continues from there.
 *
 * <p>Passes repeat until the bitmap is empty: regions marked behind the scan position during a
 * pass are picked up by the next one.
 */
public final class RegionResync {

    private static final Logger LOG = System.getLogger(RegionResync.class.getName());

    private final OutageBitmap bitmap;
    private final Volume source;
    private final RegionSink sink;
    private final CopyLock lock;
    private final int parallelism;
    private final ByteBufAllocator alloc;
    private final LongSupplier nanoClock;
    private final CompletableFuture<ResyncProgress> done = new CompletableFuture<>();

    private final Object state = new Object();
    private long cursor;
    private int inFlight;
    private long inFlightBytes;
    private long regionsDone;
    private long bytesDone;
    private long startNanos;
    private boolean started;
    private boolean finishing;
    private Throwable failure;

    /**
     * @param lock shared with the write path of the same volume
     * @param parallelism regions copied at the same time (at least 1)
     */
    public RegionResync(OutageBitmap bitmap, Volume source, RegionSink sink, CopyLock lock, int parallelism,
            ByteBufAllocator alloc) {
        this(bitmap, source, sink, lock, parallelism, alloc, System::nanoTime);
    }

    RegionResync(OutageBitmap bitmap, Volume source, RegionSink sink, CopyLock lock, int parallelism,
            ByteBufAllocator alloc, LongSupplier nanoClock) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("resync parallelism must be at least 1, not " + parallelism);
        }
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
        this.parallelism = parallelism;
        this.alloc = alloc;
        this.nanoClock = nanoClock;
    }

    /**
     * Starts copying; the future completes with the final progress once the bitmap is empty, or
     * fails with the first copy failure (or CancellationException after {@link #cancel()}), once
     * every copy already running has ended. Call once.
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

    /** Stops starting new copies; running ones finish, then the future fails with CancellationException. */
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
            long remaining = bitmap.markedCount();
            return ResyncProgress.of(regionsDone, regionsDone + inFlight + remaining, bytesDone,
                    bitmap.markedBytes() + inFlightBytes, elapsed);
        }
    }

    /** Starts copies up to the parallelism bound, or finishes when nothing is left to start or running. */
    private void pump() {
        while (true) {
            long region;
            synchronized (state) {
                if (finishing) {
                    return;
                }
                if (failure != null || (region = takeNext()) < 0) {
                    if (inFlight == 0) {
                        finishing = true; // exactly one thread completes the future
                        break;
                    }
                    return;
                }
                inFlight++;
                inFlightBytes += bitmap.regionLength(region);
            }
            copy(region);
        }
        finish();
    }

    /** Next marked region, wrapping around for another pass; its bit is cleared: it is ours now. Under state. */
    private long takeNext() {
        if (inFlight >= parallelism) {
            return -1;
        }
        for (int pass = 0; pass < 2; pass++) {
            long r;
            while ((r = bitmap.nextMarked(cursor)) >= 0) {
                cursor = r + 1;
                if (bitmap.clearRegion(r)) {
                    return r;
                }
            }
            cursor = 0;
            if (bitmap.markedCount() == 0) {
                return -1;
            }
        }
        return -1;
    }

    private void copy(long region) {
        long offset = bitmap.regionOffset(region);
        int length = bitmap.regionLength(region);
        CompletableFuture<Void> copied = lock.lockForCopy(offset, length).thenCompose(hold -> {
            CompletableFuture<Void> sent;
            try {
                // The read buffer is ours until handed to the sink, which then owns and releases it.
                sent = source.read(offset, length, alloc).thenCompose(data -> sink.write(offset, data));
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            return sent.whenComplete((ok, err) -> hold.release());
        });
        copied.whenComplete((ok, err) -> copyEnded(region, length, err));
    }

    private void copyEnded(long region, int length, Throwable err) {
        synchronized (state) {
            inFlight--;
            inFlightBytes -= length;
            if (err == null) {
                regionsDone++;
                bytesDone += length;
            } else {
                // The peer may lack this region: it stays to be copied by the next resync.
                bitmap.markRegion(region);
                if (failure == null || failure instanceof CancellationException) {
                    failure = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                }
            }
        }
        if (err != null) {
            LOG.log(Level.WARNING, "resync of region {0} (offset {1}) failed: {2}", region,
                    bitmap.regionOffset(region), String.valueOf(err));
        }
        pump();
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
