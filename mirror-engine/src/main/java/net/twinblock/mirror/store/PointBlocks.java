package net.twinblock.mirror.store;

import java.util.Arrays;

/**
 * The blocks a {@link ConsistencyPoint} names, looked up by block number while the held entries
 * are matched against it: which are referenced, which come whole, and for each referenced block
 * the newest held entry that wrote any of it. Sorted primitive arrays, searched: the point thread
 * asks once per 4 KiB block of every held entry, and a map there cost a lookup object and a boxed
 * entry per block (a fifth of the secondary's allocation under 4K random writes).
 */
final class PointBlocks {

    /** Each reference's first block and end (exclusive), sorted by first block; never overlapping. */
    private final long[] starts;
    private final long[] ends;
    /** Where each reference's blocks begin in {@link #newest}. */
    private final int[] slots;
    /** Referenced block (by slot) to the index of the newest held entry that wrote it, or -1. */
    private final int[] newest;
    private final long[] whole;

    private PointBlocks(long[] starts, long[] ends, int[] slots, int[] newest, long[] whole) {
        this.starts = starts;
        this.ends = ends;
        this.slots = slots;
        this.newest = newest;
        this.whole = whole;
    }

    /**
     * The point's blocks, or null if two of its references name the same block: a manifest never
     * does (each block has one newest writer), so the caller applies every held entry in order
     * instead of trusting it.
     */
    static PointBlocks of(ConsistencyPoint point) {
        long[] refs = point.references();
        int n = refs.length / 3;
        long[] starts = new long[n];
        for (int i = 0; i < n; i++) {
            starts[i] = refs[3 * i];
        }
        Arrays.sort(starts);
        long[] ends = new long[n];
        int[] slots = new int[n];
        boolean[] placed = new boolean[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            // Each start's count, by the reference it came from: starts are distinct unless references overlap.
            int at = Arrays.binarySearch(starts, refs[3 * i]);
            if (placed[at]) {
                return null;
            }
            placed[at] = true;
            ends[at] = refs[3 * i] + refs[3 * i + 1];
        }
        for (int i = 0; i < n; i++) {
            if (i > 0 && starts[i] < ends[i - 1]) {
                return null;
            }
            slots[i] = (int) total;
            total += ends[i] - starts[i];
            if (total > Integer.MAX_VALUE) {
                return null;
            }
        }
        int[] newest = new int[(int) total];
        Arrays.fill(newest, -1);
        long[] whole = point.wholeBlocks().clone();
        Arrays.sort(whole);
        return new PointBlocks(starts, ends, slots, newest, whole);
    }

    /** The referenced block's slot, or -1 if no reference names it. */
    int slot(long block) {
        int i = Arrays.binarySearch(starts, block);
        if (i < 0) {
            i = -i - 2; // the last reference starting before the block
        }
        return i >= 0 && block < ends[i] ? slots[i] + (int) (block - starts[i]) : -1;
    }

    boolean whole(long block) {
        return Arrays.binarySearch(whole, block) >= 0;
    }

    /** Held entry {@code index} (later than any before it) wrote part of the block in {@code slot}. */
    void writtenBy(int slot, int index) {
        newest[slot] = index;
    }

    /** The newest held entry that wrote the block in {@code slot}, or -1. */
    int newestWriter(int slot) {
        return newest[slot];
    }
}
