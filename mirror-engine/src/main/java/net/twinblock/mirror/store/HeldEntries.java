package net.twinblock.mirror.store;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The journal entries a secondary holds back from its volume until a consistency point (DESIGN
 * section 6), so that between points the volume is exactly the last point's image. Appended
 * entries come in journal order; a point takes each referenced block from the newest entry of
 * its transfer and each whole block from the manifest, and then lets every entry before it go.
 * Only the journal's applier touches it.
 */
final class HeldEntries {

    private final FileVolume volume;
    /** Makes the journal durable through every entry held (the segments' fdatasync, if one is owed). */
    private final JournalApplier.IoStep journalDurable;
    private final List<JournalOp> entries = new ArrayList<>();
    /** Transfer id to the index of its newest held entry: a transfer re-sent on a new link is journaled again. */
    private final Map<Integer, Integer> byTransfer = new HashMap<>();
    private volatile long byReference;
    private volatile long whole;
    private volatile long fallbacks;
    private volatile long rebuilt;

    HeldEntries(FileVolume volume, JournalApplier.IoStep journalDurable) {
        this.volume = volume;
        this.journalDurable = journalDurable;
    }

    /**
     * Before a held entry reaches the volume, the journal holds it durably: a power cut while
     * the volume takes held entries (a point's apply, say) keeps a random part of them, and
     * replay from the last point must then be able to bring back every one before any that
     * survived, or the volume holds a write but not one acknowledged before it was sent.
     */
    private void journalFirst() throws IOException {
        if (!entries.isEmpty()) {
            journalDurable.run();
        }
    }

    /** Holds an appended write or discard; its data is ours until it is applied or let go. */
    void add(JournalOp p) {
        byTransfer.put(p.transfer, entries.size());
        entries.add(p);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * Applies every held entry in journal order and lets them go: what a read of a held range, a
     * promotion, a full journal and a clean stop need, and what a point falls back to when a
     * reference names a transfer this journal does not hold.
     */
    void applyAll() throws IOException {
        try {
            journalFirst();
            for (JournalOp p : entries) {
                if (p.kind == JournalOp.Kind.WRITE) {
                    volume.applyNow(p.offset, p.data);
                } else {
                    volume.discardNow(p.offset, p.length);
                }
            }
        } finally {
            clear();
        }
    }

    /** {@link #applyAll} if a held entry overlaps the range, so a reader never sees the volume behind. */
    void applyIfOverlapping(long offset, long length) throws IOException {
        for (JournalOp p : entries) {
            if (p.offset < offset + length && offset < p.offset + p.length) {
                applyAll();
                return;
            }
        }
    }

    /**
     * Brings the volume to {@code point}: referenced blocks from the held entries, whole blocks
     * from the point, then lets every held entry go. Two rules keep a manifest from losing a write
     * it did not foresee: the bytes of held entries outside the point's blocks are applied (in
     * order), and a referenced block that a later held entry also wrote is rebuilt from the held
     * entries in order rather than from the named transfer. A reference this journal cannot resolve
     * (its transfer was journaled before this process started, or the range is not the
     * transfer's) applies every held entry in order instead: the volume then holds everything
     * before the point. The caller makes the volume durable and records the point.
     */
    void applyPoint(ConsistencyPoint point) throws IOException {
        try {
            journalFirst();
            if (!resolvable(point)) {
                fallbacks++;
                applyAll();
                return;
            }
            PointBlocks blocks = new PointBlocks(point);
            int bs = point.blockSize();
            for (int i = 0; i < entries.size(); i++) {
                JournalOp p = entries.get(i);
                for (long b = p.offset / bs, last = (p.offset + p.length - 1) / bs; p.length > 0 && b <= last; b++) {
                    if (blocks.referenced(b)) {
                        blocks.writtenBy(b, i);
                    } else if (!blocks.whole(b)) {
                        applyPart(p, b * bs, bs); // outside the manifest: this entry's part of the block
                    }
                }
            }
            long[] refs = point.references();
            for (int r = 0; r < refs.length; r += 3) {
                int index = byTransfer.get((int) refs[r + 2]);
                JournalOp named = entries.get(index);
                for (long b = refs[r]; b < refs[r] + refs[r + 1]; b++) {
                    if (blocks.newestWriter(b) == index) {
                        applyPart(named, b * bs, bs);
                        byReference++;
                    } else {
                        rebuilt++;
                        for (JournalOp p : entries) {
                            applyPart(p, b * bs, bs);
                        }
                    }
                }
            }
            long[] whole = point.wholeBlocks();
            for (int i = 0; i < whole.length; i++) {
                volume.applyNow(whole[i] * bs, Unpooled.wrappedBuffer(point.data(), i * bs, bs));
            }
            this.whole += whole.length;
        } finally {
            clear();
        }
    }

    /** Applies what entry {@code p} changed in {@code [start, start + length)}, if anything. */
    private void applyPart(JournalOp p, long start, long length) throws IOException {
        long from = Math.max(start, p.offset);
        long to = Math.min(start + length, p.offset + p.length);
        if (from >= to) {
            return;
        }
        if (p.kind == JournalOp.Kind.WRITE) {
            volume.applyNow(from, p.data.slice(p.data.readerIndex() + (int) (from - p.offset), (int) (to - from)));
        } else {
            volume.discardNow(from, to - from);
        }
    }

    /** True if every reference names a held transfer whose range holds all its blocks. */
    private boolean resolvable(ConsistencyPoint point) {
        long[] refs = point.references();
        for (int i = 0; i < refs.length; i += 3) {
            Integer index = byTransfer.get((int) refs[i + 2]);
            JournalOp p = index == null ? null : entries.get(index);
            long start = refs[i] * point.blockSize();
            long end = start + refs[i + 1] * point.blockSize();
            if (p == null || start < p.offset || end > p.offset + p.length) {
                return false;
            }
        }
        return true;
    }

    /** Lets every held entry go, releasing its data. */
    void clear() {
        entries.forEach(JournalOp::release);
        entries.clear();
        byTransfer.clear();
    }

    /** Blocks points applied from held entries. */
    long blocksByReference() {
        return byReference;
    }

    /** Blocks points carried whole. */
    long blocksWhole() {
        return whole;
    }

    /** Referenced blocks a later held entry also wrote, rebuilt from the held entries in order. */
    long blocksRebuilt() {
        return rebuilt;
    }

    /** Points that named a transfer not held and applied the held entries instead. */
    long fallbacks() {
        return fallbacks;
    }
}
