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
    private final List<JournalOp> entries = new ArrayList<>();
    /** Transfer id to its newest held entry: a transfer re-sent on a new link is journaled again. */
    private final Map<Integer, JournalOp> byTransfer = new HashMap<>();
    private volatile long byReference;
    private volatile long whole;
    private volatile long fallbacks;

    HeldEntries(FileVolume volume) {
        this.volume = volume;
    }

    /** Holds an appended write or discard; its data is ours until it is applied or let go. */
    void add(JournalOp p) {
        entries.add(p);
        byTransfer.put(p.transfer, p);
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
     * from the point, then lets every held entry go (each one is now either on the volume or
     * superseded there). A reference this journal cannot resolve (its transfer was journaled before
     * this process started, or the range is not the transfer's) applies the held entries in order
     * instead: the volume then holds everything before the point, a superset of its image.
     * The caller makes the volume durable and records the point.
     */
    void applyPoint(ConsistencyPoint point) throws IOException {
        try {
            if (!resolvable(point)) {
                fallbacks++;
                applyAll();
                return;
            }
            int bs = point.blockSize();
            long[] refs = point.references();
            for (int i = 0; i < refs.length; i += 3) {
                JournalOp p = byTransfer.get((int) refs[i + 2]);
                long start = refs[i] * bs;
                long length = refs[i + 1] * bs;
                if (p.kind == JournalOp.Kind.WRITE) {
                    volume.applyNow(start, p.data.slice(p.data.readerIndex() + (int) (start - p.offset), (int) length));
                } else {
                    volume.discardNow(start, length);
                }
                byReference += refs[i + 1];
            }
            long[] blocks = point.wholeBlocks();
            for (int i = 0; i < blocks.length; i++) {
                volume.applyNow(blocks[i] * bs, Unpooled.wrappedBuffer(point.data(), i * bs, bs));
            }
            whole += blocks.length;
        } finally {
            clear();
        }
    }

    /** True if every reference names a held transfer whose range holds all its blocks. */
    private boolean resolvable(ConsistencyPoint point) {
        long[] refs = point.references();
        for (int i = 0; i < refs.length; i += 3) {
            JournalOp p = byTransfer.get((int) refs[i + 2]);
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

    /** Points that named a transfer not held and applied the held entries instead. */
    long fallbacks() {
        return fallbacks;
    }
}
