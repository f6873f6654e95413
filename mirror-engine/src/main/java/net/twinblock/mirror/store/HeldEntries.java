package net.twinblock.mirror.store;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * One generation of the journal entries a secondary holds back from its volume until a
 * consistency point (DESIGN section 6), so that between points the volume is exactly the last
 * point's image. Appended entries come in journal order; a point takes each referenced block from
 * the newest entry of its transfer and each whole block from the manifest, and then lets every
 * entry before it go. The journal thread fills a generation and applies it itself (a read, a full
 * journal, a stop), or hands it with its point to the {@link PointThread}, which then owns it,
 * and starts the next generation. Held writes keep no buffer: their data is read back from the
 * journal ({@link HeldReader}). A generation handed over never changes its list again:
 * the journal thread may still ask {@link #overlaps} while the point thread applies it.
 */
final class HeldEntries {

    /** What points did, across generations. */
    static final class Counts {
        final LongAdder byReference = new LongAdder();
        final LongAdder whole = new LongAdder();
        final LongAdder rebuilt = new LongAdder();
        /** Journal fdatasyncs a point thread ran ({@link #journalFirstHere}). */
        final LongAdder journalSyncs = new LongAdder();
    }

    private final FileVolume volume;
    private final JournalFiles files;
    /** Where a held write's data is: read back from its segment when it goes to the volume. */
    private final HeldReader journal;
    /** Makes the journal durable through every entry held (the segments' fdatasync, if one is owed). */
    private final JournalApplier.IoStep journalDurable;
    private final Counts counts;
    private final List<JournalOp> entries = new ArrayList<>();
    /** The journal holds every entry of this generation durably (journal thread). */
    private boolean journaled;

    HeldEntries(FileVolume volume, JournalFiles files, JournalApplier.IoStep journalDurable, Counts counts) {
        this.volume = volume;
        this.files = files;
        this.journal = new HeldReader(files, volume);
        this.journalDurable = journalDurable;
        this.counts = counts;
    }

    /**
     * Before a held entry reaches the volume, the journal holds it durably: a power cut while
     * the volume takes held entries (a point's apply, say) keeps a random part of them, and
     * replay from the last point must then be able to bring back every one before any that
     * survived, or the volume holds a write but not one acknowledged before it was sent. Journal
     * thread only (through its own segment files); the point thread uses {@link #journalFirstHere}.
     */
    void journalFirst() throws IOException {
        if (!journaled && !entries.isEmpty()) {
            journalDurable.run();
        }
        journaled = true;
    }

    /**
     * {@link #journalFirst} on the point thread, through handles of its own: an fdatasync of each
     * segment the generation's entries are in, then of the directory (their names). The journal
     * thread meanwhile appends and acknowledges on; it forces its files again when a write asks it
     * to, so its promises never lean on this one. Done there, the fdatasync of a point's
     * interval of journal (up to {@code cp.max-bytes}) held every acknowledgement behind it.
     * Nothing to do when the journal thread's last force covered them (a flush's point, usually).
     */
    void journalFirstHere() throws IOException {
        if (!journaled && !entries.isEmpty() && entries.get(entries.size() - 1).number >= files.durableBelow()) {
            JournalFiles.Segment last = null;
            for (JournalOp p : entries) {
                if (p.segment != last) {
                    journal.force(p.segment);
                    last = p.segment;
                }
            }
            files.syncDirectory();
            counts.journalSyncs.increment();
        }
        journaled = true;
    }

    /** Holds an appended write or discard; its data stays in the journal (the caller lets its buffer go). */
    void add(JournalOp p) {
        entries.add(p);
        journaled = false;
    }

    /**
     * Applies every held entry in journal order and lets them go: what a read of a held range, a
     * promotion, a full journal and a clean stop need, and what a point falls back to when a
     * reference names a transfer this journal does not hold.
     */
    void applyAll() throws IOException {
        try {
            journalFirst();
            applyInOrder();
        } finally {
            clear();
        }
    }

    private void applyInOrder() throws IOException {
        for (JournalOp p : entries) {
            if (p.kind == JournalOp.Kind.WRITE) {
                journal.apply(p, p.offset, p.length);
            } else {
                volume.discardNow(p.offset, p.length);
            }
        }
    }

    /** True if a held entry overlaps the range: a reader must not see the volume without it. */
    boolean overlaps(long offset, long length) {
        for (JournalOp p : entries) {
            if (p.offset < offset + length && offset < p.offset + p.length) {
                return true;
            }
        }
        return false;
    }

    /**
     * Brings the volume to {@code point}: referenced blocks from the held entries, whole blocks
     * from the point, then lets every held entry go. Two rules keep a manifest from losing a write
     * it did not foresee: the bytes of held entries outside the point's blocks are applied (in
     * order), and a referenced block that a later held entry also wrote is rebuilt from the held
     * entries in order rather than from the named transfer. A reference this journal cannot resolve
     * (its transfer was journaled before this process started, or the range is not the
     * transfer's), or two references naming one block, applies every held entry in order instead:
     * the volume then holds everything before the point. The caller made the journal durable
     * ({@link #journalFirst}) and makes the volume durable and records the point. Closes the
     * segments it read, also when it fails.
     */
    void applyPoint(ConsistencyPoint point) throws IOException {
        try {
            if (!journaled && !entries.isEmpty()) {
                throw new IllegalStateException("held entries must be durable in the journal before a point");
            }
            LongTable byTransfer = byTransfer();
            int bs = point.blockSize();
            PointBlocks blocks = resolvable(point, byTransfer) ? PointBlocks.of(point, heldBlocks(bs)) : null;
            if (blocks == null) {
                applyInOrder();
                return;
            }
            // Consecutive blocks taken from one entry go as one range: one read back and one write
            // for a 128 KiB write, not 32 of each.
            for (int i = 0; i < entries.size(); i++) {
                JournalOp p = entries.get(i);
                long run = -1; // first block of the run outside the manifest, or -1
                long last = (p.offset + p.length - 1) / bs;
                for (long b = p.offset / bs; p.length > 0 && b <= last; b++) {
                    int slot = blocks.slot(b);
                    if (slot >= 0) {
                        blocks.writtenBy(slot, i);
                    }
                    if (slot >= 0 || blocks.whole(b)) {
                        run = applyRun(p, run, b, bs);
                    } else if (run < 0) {
                        run = b; // outside the manifest: this entry's part of the block
                    }
                }
                applyRun(p, run, last + 1, bs);
            }
            long[] refs = point.references();
            for (int r = 0; r < refs.length; r += 3) {
                int index = (int) byTransfer.get((int) refs[r + 2]);
                JournalOp named = entries.get(index);
                long run = -1; // first block of the run the named entry is the newest writer of, or -1
                int first = blocks.slot(refs[r]); // the reference's blocks have consecutive slots
                for (long b = refs[r]; b < refs[r] + refs[r + 1]; b++) {
                    if (blocks.newestWriter(first + (int) (b - refs[r])) == index) {
                        run = run < 0 ? b : run;
                        counts.byReference.increment();
                    } else {
                        run = applyRun(named, run, b, bs);
                        counts.rebuilt.increment();
                        for (JournalOp p : entries) {
                            applyPart(p, b * bs, bs);
                        }
                    }
                }
                applyRun(named, run, refs[r] + refs[r + 1], bs);
            }
            long[] whole = point.wholeBlocks();
            for (int i = 0; i < whole.length; i++) {
                volume.applyNow(whole[i] * bs, Unpooled.wrappedBuffer(point.data(), i * bs, bs));
            }
            counts.whole.add(whole.length);
        } finally {
            journal.close(); // the list stays as it is: see overlaps
        }
    }

    /** Applies entry {@code p}'s part of blocks {@code [run, end)} if a run is open ({@code run >= 0}); returns -1. */
    private long applyRun(JournalOp p, long run, long end, int bs) throws IOException {
        if (run >= 0) {
            applyPart(p, run * bs, (end - run) * bs);
        }
        return -1;
    }

    /** Applies what entry {@code p} changed in {@code [start, start + length)}, if anything. */
    private void applyPart(JournalOp p, long start, long length) throws IOException {
        long from = Math.max(start, p.offset);
        long to = Math.min(start + length, p.offset + p.length);
        if (from >= to) {
            return;
        }
        if (p.kind == JournalOp.Kind.WRITE) {
            journal.apply(p, from, to - from);
        } else {
            volume.discardNow(from, to - from);
        }
    }

    /**
     * Each transfer's newest held entry (a transfer re-sent on a new link is journaled again),
     * built once a point, so that an append costs no map entry.
     */
    private LongTable byTransfer() {
        LongTable newest = new LongTable(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            newest.put(entries.get(i).transfer, i);
        }
        return newest;
    }

    /** Blocks of {@code bs} bytes the held entries touch, counted once per entry. */
    private long heldBlocks(int bs) {
        long n = 0;
        for (JournalOp p : entries) {
            n += p.length == 0 ? 0 : (p.offset + p.length - 1) / bs - p.offset / bs + 1;
        }
        return n;
    }

    /** True if every reference names a held transfer whose range holds all its blocks. */
    private boolean resolvable(ConsistencyPoint point, LongTable byTransfer) {
        long[] refs = point.references();
        for (int i = 0; i < refs.length; i += 3) {
            int index = (int) byTransfer.get((int) refs[i + 2]);
            JournalOp p = index < 0 ? null : entries.get(index);
            long start = refs[i] * point.blockSize();
            long end = start + refs[i + 1] * point.blockSize();
            if (p == null || start < p.offset || end > p.offset + p.length) {
                return false;
            }
        }
        return true;
    }

    /** Lets every held entry go (the journal thread's own generation). */
    void clear() {
        entries.clear();
        journal.close();
    }
}
