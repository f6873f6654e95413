package net.twinblock.mirror.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The {@link Journal}'s apply side, run by the journal's thread: appended batches go to the
 * volume in journal order, or, when the secondary holds entries for consistency points, wait in
 * {@link HeldEntries} until a point brings the volume to its image (DESIGN section 6). A point's
 * generation of held entries, made durable in the journal here, goes to the {@link PointThread},
 * which applies it, makes the volume durable and records the point, after which the segments it
 * covers may go; the next generation starts at once, so appends go on meanwhile.
 */
final class JournalApplier {

    private final FileVolume volume;
    private final JournalFiles files;
    private final boolean hold;
    private final IoStep journalDurable;
    private final HeldEntries.Counts counts = new HeldEntries.Counts();
    /** The generation of entries held since the last point handed over. */
    private HeldEntries holding;
    private final PointThread points;
    /** Poisons the journal with a failure and says what to fail a point's caller with. */
    private final Function<Throwable, VolumeException> poison;
    /** The number of the entry after the last one taken. */
    private long next;
    /** An apply failed: the volume misses an acknowledged entry, so no later one is applied. */
    private boolean failed;
    /** The last entry number written to the volume (not held), for the appender's freeing; -1 before any. */
    private volatile long appliedThrough = -1;

    JournalApplier(FileVolume volume, JournalFiles files, boolean hold, long next,
            Function<Throwable, VolumeException> poison, PointThread points, IoStep journalDurable) {
        this.volume = volume;
        this.files = files;
        this.hold = hold;
        this.journalDurable = journalDurable;
        this.holding = new HeldEntries(volume, files, journalDurable, counts);
        this.points = points;
        this.next = next;
        this.poison = poison;
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
                    p.fail(poison.apply(new IOException("an earlier apply failed")));
                } else if (p.kind == JournalOp.Kind.POINT) {
                    handOff(p);
                } else if (hold && p.journaled()) {
                    holding.add(p); // its data is in the journal: the buffer goes below (see HeldReader)
                } else if (p.kind == JournalOp.Kind.WRITE) {
                    applyWrite(p);
                } else if (p.kind == JournalOp.Kind.DISCARD) {
                    volume.discardNow(p.offset, p.length);
                }
            } catch (IOException | RuntimeException | Error e) {
                failed = true;
                holding.clear();
                p.fail(poison.apply(e)); // a point's future; an appended entry's is done
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
     * Hands a point to the point thread, with the held entries it brings to the volume, once the
     * point before it is recorded: at most one in flight. The point thread makes the journal hold
     * them durably before the volume takes any. The point's future completes once it is recorded.
     */
    private void handOff(JournalOp p) throws IOException {
        awaitPoint();
        if (failed) {
            p.fail(poison.apply(new IOException("an earlier point failed")));
            return;
        }
        if (!hold) { // every entry before the point is on the volume already: it is made durable and recorded
            points.handOff(p, null, next);
            return;
        }
        points.handOff(p, holding, next);
        holding = new HeldEntries(volume, files, journalDurable, counts); // the point thread owns the one handed over
    }

    /** Waits for the point in flight; a failed one fails every later apply (the journal is poisoned). */
    private void awaitPoint() {
        if (!points.await() && !failed) {
            failed = true;
            holding.clear();
        }
    }

    /**
     * A read of the range waits for the point in flight if it brings entries of the range, and
     * has the held entries applied (after that point: journal order) if one overlaps it, so a
     * reader never sees the volume behind what this node acknowledged.
     */
    CompletableFuture<Void> readable(long offset, long length) {
        if (failed) { // an entry is missing from the volume: not to be trusted
            return CompletableFuture.failedFuture(poison.apply(new IOException("an earlier apply failed")));
        }
        if (holding.overlaps(offset, length)) {
            applyHeld();
            return CompletableFuture.completedFuture(null);
        }
        return points.readable(offset, length);
    }

    /** Lets the held entries go unapplied: a failed journal's stop (replay applies them from the segments). */
    void dropHeld() {
        holding.clear();
    }

    /** Applies every held entry, after the point in flight (a promotion, a read, a full journal, a clean stop). */
    void applyHeld() {
        awaitPoint();
        if (failed) { // the volume misses an entry: the caller must not go on as if it held them
            throw new CompletionException(poison.apply(new IOException("an earlier apply failed")));
        }
        try {
            holding.applyAll();
        } catch (IOException | RuntimeException e) {
            failed = true;
            holding.clear();
            throw new CompletionException(poison.apply(e));
        }
    }

    /** After the journal thread's last task: the point in flight finishes first. */
    void close() {
        points.close();
    }

    @FunctionalInterface
    interface IoStep {
        void run() throws IOException;
    }

    /** Journal fdatasyncs the point thread ran before points' applies. */
    long pointJournalSyncs() {
        return counts.journalSyncs.sum();
    }

    PointCounters counters() {
        return new PointCounters(points.points(), counts.byReference.sum(), counts.whole.sum(),
                counts.rebuilt.sum());
    }
}
