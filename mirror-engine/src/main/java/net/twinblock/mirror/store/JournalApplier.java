package net.twinblock.mirror.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * The {@link Journal}'s apply side, run by the journal's thread only: appended batches go to the
 * volume in journal order, or, when the secondary holds entries for consistency points, wait in
 * {@link HeldEntries} until a point brings the volume to its image (DESIGN section 6). A point is
 * then made durable and recorded ({@link PointRecord}), after which the segments it covers may go.
 */
final class JournalApplier {

    private final FileVolume volume;
    private final StorageFiles storage;
    private final boolean hold;
    private final HeldEntries holding;
    /** Poisons the journal with a failure and says what to fail a point's caller with. */
    private final Function<Throwable, VolumeException> poison;
    /** Told the last entry number the volume holds durably: closed segments up to it may go. */
    private final LongConsumer durableUpTo;
    /** The number of the entry after the last one taken. */
    private long next;
    /** An apply failed: the volume misses an acknowledged entry, so no later one is applied. */
    private boolean failed;
    /** The last entry number written to the volume (not held), for the appender's freeing; -1 before any. */
    private volatile long appliedThrough = -1;
    private final LongAdder points = new LongAdder();

    JournalApplier(FileVolume volume, StorageFiles storage, boolean hold, long next,
            Function<Throwable, VolumeException> poison, LongConsumer durableUpTo, IoStep journalDurable) {
        this.volume = volume;
        this.storage = storage;
        this.hold = hold;
        this.holding = new HeldEntries(volume, journalDurable);
        this.next = next;
        this.poison = poison;
        this.durableUpTo = durableUpTo;
    }

    boolean holds() {
        return hold;
    }

    /**
     * Applies (or holds) an appended batch in order, also after an append failure poisoned the
     * journal (these entries were acknowledged), but not after an apply failed. Never throws: the
     * chain of applies must go on, so every waiting read gets an answer.
     */
    void apply(List<JournalOp> batch) {
        for (JournalOp p : batch) {
            try {
                if (p.journaled()) {
                    next = p.number + 1;
                }
                if (failed) {
                    p.done.completeExceptionally(poison.apply(new IOException("an earlier apply failed")));
                } else if (p.kind == JournalOp.Kind.POINT) {
                    applyPoint(p);
                } else if (hold && p.journaled()) {
                    holding.add(p);
                    continue; // the data is held, not released
                } else if (p.kind == JournalOp.Kind.WRITE) {
                    applyWrite(p);
                } else if (p.kind == JournalOp.Kind.DISCARD) {
                    volume.discardNow(p.offset, p.length);
                }
            } catch (IOException | RuntimeException | Error e) {
                failed = true;
                holding.clear();
                p.done.completeExceptionally(poison.apply(e)); // a point's future; an appended entry's is done
            }
            p.release();
        }
        if (!hold && !failed) {
            appliedThrough = next - 1;
        }
    }

    /** The last entry number the volume holds (in its page cache at least); -1 before any. */
    long appliedThrough() {
        return appliedThrough;
    }

    /** Writes an appended entry's data from the buffers the append used, rewound. */
    private void applyWrite(JournalOp p) throws IOException {
        if (p.buffers == null) {
            volume.applyNow(p.offset, p.data);
            return;
        }
        for (ByteBuffer b : p.buffers) {
            b.reset();
        }
        volume.applyNow(p.offset, p.buffers);
    }

    /**
     * Applies a point, makes the volume durable, records the point and lets the segments it
     * covers go (at the next append). The point's future completes here, not at the append.
     */
    private void applyPoint(JournalOp p) throws IOException {
        if (hold) {
            holding.applyPoint(p.point);
        } // else every entry before the point is on the volume already: it is made durable and recorded
        try {
            volume.flush().join();
        } catch (RuntimeException e) {
            throw new IOException("cannot make " + volume.file() + " durable for point " + p.point.number() + ": "
                    + Failures.cause(e), Failures.cause(e));
        }
        new PointRecord(p.point.number(), next).write(volume.file(), storage);
        durableUpTo.accept(next - 1);
        points.increment();
        p.done.complete(null);
    }

    /** Applies the held entries if one overlaps the range: a reader never sees the volume behind. */
    void applyIfOverlapping(long offset, long length) {
        run(() -> holding.applyIfOverlapping(offset, length));
    }

    /** Lets the held entries go unapplied, releasing their data: a failed journal's stop. */
    void dropHeld() {
        holding.clear();
    }

    /** Applies every held entry (a promotion, a full journal, a clean stop). */
    void applyHeld() {
        run(holding::applyAll);
    }

    private void run(IoStep step) {
        if (failed) {
            return; // the journal is poisoned already: its waiters hear of it
        }
        try {
            step.run();
        } catch (IOException | RuntimeException e) {
            failed = true;
            holding.clear();
            throw new java.util.concurrent.CompletionException(poison.apply(e));
        }
    }

    @FunctionalInterface
    interface IoStep {
        void run() throws IOException;
    }

    PointCounters counters() {
        return new PointCounters(points.sum(), holding.blocksByReference(), holding.blocksWhole(),
                holding.blocksRebuilt());
    }
}
