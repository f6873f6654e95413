package net.twinblock.mirror.record;

import java.util.ArrayList;
import java.util.List;

/**
 * Guesses which extents a host is about to write, so one record update covers several of them.
 *
 * <p>It follows a few write streams at once (fio jobs, a file system's data and journal): a write
 * that starts at, or just after, where a recent write ended continues that stream, and a stream
 * predicts the {@code ahead} extents after the one it is writing. Any other write starts a new
 * stream and predicts nothing, so random writes never inflate the record.
 *
 * <p>Not thread-safe: the record calls it under its lock.
 */
final class Predictor {

    /** How many streams are followed; the least recently continued one gives way to a new one. */
    static final int STREAMS = 8;
    /**
     * A write up to this far past a stream's end still continues it: a file system writing a
     * file sequentially may skip a few blocks it allocated elsewhere, and that is still a stream.
     */
    static final long MAX_GAP = 128 * 1024;

    private final long extentSize;
    private final int ahead;
    private final long extentLimit;
    /** Byte offset just past each stream's latest write; -1 for a free slot. */
    private final long[] ends = new long[STREAMS];
    /** When each stream was last continued, to replace the stalest. */
    private final long[] used = new long[STREAMS];
    private long clock;

    /**
     * @param extentLimit number of extents in the volume; no extent at or past it is predicted
     */
    Predictor(long extentSize, int ahead, long extentLimit) {
        this.extentSize = extentSize;
        this.ahead = ahead;
        this.extentLimit = extentLimit;
        java.util.Arrays.fill(ends, -1);
    }

    /**
     * Notes a write of {@code length > 0} bytes at {@code offset} and returns the extents expected
     * next: the successors of the write's last extent when it continues a stream, else none.
     */
    List<Extent> onWrite(long offset, long length) {
        long end = offset + length;
        clock++;
        int stream = continued(offset);
        if (stream < 0) {
            int slot = stalest();
            ends[slot] = end;
            used[slot] = clock;
            return List.of();
        }
        ends[stream] = end;
        used[stream] = clock;
        long last = Extent.last(offset, length, extentSize);
        List<Extent> next = new ArrayList<>(ahead);
        for (long i = last + 1; i <= last + ahead && i < extentLimit; i++) {
            next.add(new Extent(i));
        }
        return next;
    }

    private int continued(long offset) {
        for (int i = 0; i < STREAMS; i++) {
            if (ends[i] >= 0 && offset >= ends[i] && offset - ends[i] <= MAX_GAP) {
                return i;
            }
        }
        return -1;
    }

    private int stalest() {
        int oldest = 0;
        for (int i = 1; i < STREAMS; i++) {
            if (used[i] < used[oldest]) {
                oldest = i;
            }
        }
        return oldest;
    }
}
