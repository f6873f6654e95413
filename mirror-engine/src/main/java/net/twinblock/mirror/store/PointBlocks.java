package net.twinblock.mirror.store;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The blocks a {@link ConsistencyPoint} names, looked up by block number while the held entries
 * are matched against it: which are referenced, which come whole, and for each referenced block
 * the newest held entry that wrote any of it.
 */
final class PointBlocks {

    /** First block of each reference to its end (exclusive). */
    private final TreeMap<Long, Long> referenced = new TreeMap<>();
    private final long[] whole;
    /** Referenced block to the index of the newest held entry that wrote it. */
    private final Map<Long, Integer> newest = new HashMap<>();

    PointBlocks(ConsistencyPoint point) {
        long[] refs = point.references();
        for (int i = 0; i < refs.length; i += 3) {
            referenced.put(refs[i], refs[i] + refs[i + 1]);
        }
        whole = point.wholeBlocks().clone();
        Arrays.sort(whole);
    }

    boolean referenced(long block) {
        Map.Entry<Long, Long> e = referenced.floorEntry(block);
        return e != null && block < e.getValue();
    }

    boolean whole(long block) {
        return Arrays.binarySearch(whole, block) >= 0;
    }

    /** Held entry {@code index} (later than any before it) wrote part of referenced {@code block}. */
    void writtenBy(long block, int index) {
        newest.put(block, index);
    }

    /** The newest held entry that wrote the block, or -1. */
    int newestWriter(long block) {
        return newest.getOrDefault(block, -1);
    }
}
