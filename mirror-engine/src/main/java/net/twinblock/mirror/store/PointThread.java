package net.twinblock.mirror.store;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Applies the {@link Journal}'s consistency points off its appending thread (DESIGN section 6):
 * a point's held entries to the volume, the volume's fdatasync, the {@link PointRecord}, then the
 * segments it covers may go. Appends and their acknowledgements go on meanwhile (a point applied
 * on the journal thread held every acknowledgement behind its fdatasync: p99 47 -> 198 ms at 128K
 * sequential writes).
 *
 * <p>At most one point is in flight: the journal thread waits for it before it hands over the
 * next, and before it writes any held entry to the volume itself (a read, a full journal, a stop,
 * a promotion), so the volume takes entries in journal order and the work queued stays within
 * one generation beyond the journal's. The fields are the
 * journal thread's; the point thread only completes the futures and owns the generation it applies.
 */
final class PointThread {

    private static final CompletableFuture<Void> NONE = CompletableFuture.completedFuture(null);

    private final FileVolume volume;
    private final Executor thread;
    private final ExecutorService owned;
    /** Poisons the journal with a failure and says what to fail a point's caller with. */
    private final Function<Throwable, VolumeException> poison;
    /** Told the last entry number the volume holds durably: closed segments up to it may go. */
    private final LongConsumer durableUpTo;
    private final LongAdder points = new LongAdder();
    /** Written by the point thread only. */
    private final PointRecordFile record;

    /** The generation of held entries the point in flight applies (null: none, or not holding). */
    private HeldEntries applying;
    /** Completes when the point in flight is recorded, exceptionally if it failed. */
    private CompletableFuture<Void> inFlight = NONE;

    /** With the points on {@code runner} if given (a test's), else on a thread of their own. */
    PointThread(FileVolume volume, StorageFiles storage, Executor runner, Function<Throwable, VolumeException> poison,
            LongConsumer durableUpTo) {
        this.volume = volume;
        this.poison = poison;
        this.durableUpTo = durableUpTo;
        this.record = new PointRecordFile(volume.file(), storage);
        this.owned = runner != null ? null : JournalThreads.single("journal-point " + volume.file().getFileName());
        this.thread = runner != null ? runner : owned;
    }

    /**
     * Journal thread: waits for the point in flight, if one is; false if it failed (the journal
     * is poisoned then, and nothing after it may reach the volume).
     */
    boolean await() {
        CompletableFuture<Void> f = inFlight;
        inFlight = NONE;
        applying = null;
        try {
            f.join();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Journal thread: hands point {@code p} over with the held entries it brings to the volume
     * ({@code held}, which this thread makes durable in the journal first; null without holding) and the
     * number of the first entry it does not cover. The caller awaited the previous point.
     */
    void handOff(JournalOp p, HeldEntries held, long next) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        applying = held;
        inFlight = done;
        try {
            thread.execute(() -> apply(p, held, next, done));
        } catch (RuntimeException e) { // not taken: the caller fails the point and lets its entries go
            done.completeExceptionally(e);
            throw e;
        }
    }

    /**
     * Journal thread: completes once a read of the range no longer needs the last point handed
     * over (it is recorded, or its entries do not overlap the range); fails if that point failed.
     * The generation handed over never changes its list, so asking it is safe while the point
     * thread applies it.
     */
    CompletableFuture<Void> readable(long offset, long length) {
        HeldEntries g = applying;
        return g != null && g.overlaps(offset, length) ? inFlight.copy() : NONE;
    }

    /** The point thread's work: never throws, completes the point and {@code done} either way. */
    private void apply(JournalOp p, HeldEntries held, long next, CompletableFuture<Void> done) {
        try {
            if (held != null) {
                held.journalFirstHere();
                held.applyPoint(p.point);
            } // else every entry before the point is on the volume already: it is made durable and recorded
            volume.flushNow("record point " + p.point.number());
            record.write(new PointRecord(p.point.number(), next));
            durableUpTo.accept(next - 1);
            points.increment();
            p.succeed();
            done.complete(null);
        } catch (IOException | RuntimeException | Error e) {
            VolumeException failed = poison.apply(e);
            p.fail(failed);
            done.completeExceptionally(failed);
        }
    }

    /** Points applied and recorded. */
    long points() {
        return points.sum();
    }

    /** After the journal thread's last task: the point in flight finishes first. */
    void close() {
        if (owned != null) {
            JournalThreads.stop(owned, volume.file(), "a consistency point");
        }
        try {
            record.close();
        } catch (IOException e) {
            // every write to it was forced: nothing is lost with the handle
        }
    }
}
