package net.twinblock.mirror.store;

import java.util.Arrays;

/**
 * The blocks a {@link ConsistencyPoint} names, looked up by block number while the held entries
 * are matched against it: which are referenced, which come whole, and for each referenced block
 * the newest held entry that wrote any of it. The point thread asks once per 4 KiB block of every
 * held entry: a {@code TreeMap} there cost a lookup object and a boxed entry per block (a fifth of
 * the secondary's allocation under 4K random writes).
 */
final class PointBlocks {

    /** Blocks by reference a table is built for: 256 GiB of 4 KiB blocks, far past any point's interval. */
    private static final long MAX_BLOCKS = 1 << 26;

    /** Referenced block to its slot in {@link #newest}: a reference's blocks have consecutive slots. */
    private final LongTable slots;
    /** Referenced block (by slot) to the index of the newest held entry that wrote it, or -1. */
    private final int[] newest;
    private final long[] whole;

    private PointBlocks(int blocks, long[] whole) {
        this.slots = new LongTable(blocks);
        this.newest = new int[blocks];
        Arrays.fill(newest, -1);
        this.whole = whole;
    }

    /**
     * The point's blocks, or null if two of its references name the same block: a manifest never
     * does (each block has one newest writer), so the caller applies every held entry in order
     * instead of trusting it. The caller checked that each reference lies in a held entry:
     * references that do not overlap then name at most {@code heldBlocks}, the blocks those entries
     * touch, which bounds the table by the journal.
     */
    static PointBlocks of(ConsistencyPoint point, long heldBlocks) {
        long[] refs = point.references();
        long total = point.blocksByReference();
        if (total > heldBlocks || total > MAX_BLOCKS) {
            return null; // some references overlap, or the in-order apply is the one that fits in memory
        }
        long[] whole = point.wholeBlocks().clone();
        Arrays.sort(whole);
        PointBlocks blocks = new PointBlocks((int) total, whole);
        int slot = 0;
        for (int r = 0; r < refs.length; r += 3) {
            for (long b = refs[r]; b < refs[r] + refs[r + 1]; b++) {
                if (blocks.slots.put(b, slot++) >= 0) {
                    return null;
                }
            }
        }
        return blocks;
    }

    /** The referenced block's slot, or -1 if no reference names it. */
    int slot(long block) {
        return (int) slots.get(block);
    }

    boolean whole(long block) {
        return whole.length > 0 && Arrays.binarySearch(whole, block) >= 0;
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
