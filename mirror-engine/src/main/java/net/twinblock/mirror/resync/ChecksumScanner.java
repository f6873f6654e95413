package net.twinblock.mirror.resync;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.twinblock.mirror.store.Failures;

/**
 * Walks a volume from the cursor's position to its end, hashing a batch of regions at a time
 * and handing each batch to a handler (compare with the peer, copy what differs). The cursor
 * moves past a batch only once its handler finished, so what the cursor says is done is done.
 *
 * <p>Low priority by construction: one read in flight at a time, a {@link ScanPacer} before each read
 * (a rate limit; for scrubs also the batch size, see {@link ScrubThrottle}), and all bookkeeping
 * on the given scheduler (give it a low-priority thread), never on an event loop. Host I/O goes
 * through other threads and is never queued behind more than one scan read.
 */
public final class ChecksumScanner {

    private static final Logger LOG = System.getLogger(ChecksumScanner.class.getName());

    /** What to do with each batch; the scan waits for the returned future before going on. */
    @FunctionalInterface
    public interface BatchHandler {
        CompletableFuture<?> handle(HashBatch batch);
    }

    /**
     * @param startRegion where this run began (above 0 when it resumed)
     * @param complete true if it reached the end of the volume, false if stopped
     */
    public record ScanResult(long startRegion, long regionsScanned, long nextRegion, boolean complete) {
    }

    private final BlockHasher hasher;
    private final ScanCursor cursor;
    private final ScanPacer pacer;
    private final ScheduledExecutorService scheduler;
    private final int regionsPerBatch;
    private final int saveEvery;
    private final CompletableFuture<ScanResult> result = new CompletableFuture<>();
    private final AtomicLong regionsScanned = new AtomicLong();
    private final AtomicLong bytesScanned = new AtomicLong();
    private volatile long startNanos;
    private volatile boolean stopRequested;
    private BatchHandler handler;
    private long startRegion;
    private long batches;

    /**
     * @param regionsPerBatch regions per read and per message (at most {@link BlockHasher#maxRegionsPerCall()})
     * @param saveEvery persist the cursor every this many batches (and always when stopping); a crash
     *     repeats at most that many batches
     */
    public ChecksumScanner(BlockHasher hasher, ScanCursor cursor, TokenBucket limiter,
            ScheduledExecutorService scheduler, int regionsPerBatch, int saveEvery) {
        this(hasher, cursor, ScanPacer.fixed(limiter, hasher.geometry()), scheduler, regionsPerBatch, saveEvery);
    }

    /** @param regionsPerBatch the most regions the pacer is offered per batch */
    public ChecksumScanner(BlockHasher hasher, ScanCursor cursor, ScanPacer pacer, ScheduledExecutorService scheduler,
            int regionsPerBatch, int saveEvery) {
        if (regionsPerBatch < 1 || regionsPerBatch > hasher.maxRegionsPerCall()) {
            throw new IllegalArgumentException("regions per batch must be 1 to " + hasher.maxRegionsPerCall()
                    + ", not " + regionsPerBatch);
        }
        if (saveEvery < 1) {
            throw new IllegalArgumentException("saveEvery must be at least 1, not " + saveEvery);
        }
        this.hasher = hasher;
        this.cursor = cursor;
        this.pacer = pacer;
        this.scheduler = scheduler;
        this.regionsPerBatch = regionsPerBatch;
        this.saveEvery = saveEvery;
    }

    /**
     * Starts the scan. The future completes when the end is reached (cursor file removed) or
     * after {@link #stop()} (cursor saved), and fails with the handler's or the read's failure
     * (cursor saved at the last finished batch). Call once.
     */
    public synchronized CompletableFuture<ScanResult> run(BatchHandler batchHandler) {
        if (handler != null) {
            throw new IllegalStateException("scan already running");
        }
        handler = batchHandler;
        startRegion = cursor.position();
        startNanos = System.nanoTime();
        LOG.log(Level.INFO, "checksum scan ({0}) from region {1} of {2}", hasher.algorithm().configName(),
                startRegion, hasher.geometry().regionCount());
        scheduler.execute(this::step);
        return result;
    }

    /** Asks the scan to stop after the batch in progress; its cursor is saved. */
    public void stop() {
        stopRequested = true;
    }

    public long regionsScanned() {
        return regionsScanned.get();
    }

    /**
     * Regions behind the cursor (including those done by an earlier, resumed run) out of all;
     * the rate and time left count this run only.
     */
    public ResyncProgress progress() {
        ScanGeometry g = hasher.geometry();
        long position = cursor.position();
        long remaining = Math.max(0, g.volumeSize() - g.offset(Math.min(position, g.regionCount())));
        long elapsed = startNanos == 0 ? 0 : System.nanoTime() - startNanos;
        return ResyncProgress.of(position, g.regionCount(), bytesScanned.get(), remaining, elapsed);
    }

    public ScanCursor cursor() {
        return cursor;
    }

    /** On the scheduler: one batch, paced. */
    private void step() {
        if (stopRequested) {
            end(null, false);
            return;
        }
        long first = cursor.position();
        long total = hasher.geometry().regionCount();
        if (first >= total) {
            end(null, true);
            return;
        }
        int upTo = (int) Math.min(regionsPerBatch, total - first);
        ScanPacer.Pace pace;
        try {
            pace = pacer.next(first, upTo);
            if (pace.regions() > upTo) {
                throw new IllegalStateException("pacer asked for " + pace.regions() + " regions of " + upTo);
            }
        } catch (RuntimeException e) {
            end(e, false);
            return;
        }
        int count = pace.regions();
        Runnable next = count == 0 ? this::step : () -> batch(first, count);
        if (pace.waitNanos() > 0) {
            scheduler.schedule(next, pace.waitNanos(), TimeUnit.NANOSECONDS);
        } else {
            next.run();
        }
    }

    private void batch(long first, int count) {
        CompletableFuture<?> handled;
        try {
            handled = hasher.hash(first, count).thenCompose(handler::handle);
        } catch (RuntimeException e) {
            handled = CompletableFuture.failedFuture(e);
        }
        // Back on the scheduler: saving the cursor is file I/O, and the handler's future may
        // complete on an event loop.
        handled.whenCompleteAsync((ok, err) -> {
            if (err != null) {
                end(Failures.cause(err), false);
                return;
            }
            cursor.advance(first + count);
            regionsScanned.addAndGet(count);
            bytesScanned.addAndGet(hasher.geometry().bytes(first, count));
            if (++batches % saveEvery == 0) {
                try {
                    cursor.save();
                } catch (IOException e) {
                    end(e, false);
                    return;
                }
            }
            step();
        }, scheduler);
    }

    private void end(Throwable failure, boolean complete) {
        try {
            if (complete) {
                cursor.finish();
            } else {
                cursor.save();
            }
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
        ScanResult r = new ScanResult(startRegion, regionsScanned.get(), cursor.position(), complete);
        if (failure != null) {
            LOG.log(Level.WARNING, "checksum scan stopped at region {0}: {1}", cursor.position(), failure.toString());
            result.completeExceptionally(failure);
        } else {
            LOG.log(complete ? Level.INFO : Level.WARNING, "checksum scan {0} at region {1} after {2} regions",
                    complete ? "finished" : "stopped", cursor.position(), r.regionsScanned());
            result.complete(r);
        }
    }
}
