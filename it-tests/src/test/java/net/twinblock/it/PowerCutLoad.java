package net.twinblock.it;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A host's random 4 KiB writes over a whole LUN with a SYNCHRONIZE CACHE every so many, and what
 * the host may expect of every 4 KiB slot afterwards: the slot's last write acknowledged before
 * the last completed SYNCHRONIZE CACHE, or any write sent after that flush (a write not covered
 * by a flush may be lost, may have landed). A slot never written reads as zeros.
 */
final class PowerCutLoad {

    static final int SLOT = 4096;
    private static final int BLOCKS_PER_SLOT = SLOT / PairClient.BLOCK;

    private final int slots;
    private final int flushEvery;
    private final Random random;
    /** Per slot, the sequence of its last write covered by a completed flush; 0 for none. */
    private final long[] flushed;
    /** Per slot, the writes sent since the last completed flush, acknowledged or not. */
    private final Map<Integer, List<Long>> sinceFlush = new HashMap<>();
    private long seq;
    private long acked;
    private long flushes;

    PowerCutLoad(long lunBytes, int flushEvery, long seed) {
        this.slots = (int) (lunBytes / SLOT);
        this.flushEvery = flushEvery;
        this.random = new Random(seed);
        this.flushed = new long[slots];
    }

    /**
     * Writes {@code count} random slots through {@code host}, with a SYNCHRONIZE CACHE after each
     * {@code flushEvery}-th acknowledged write. Throws on the first command that fails.
     */
    void write(PairClient host, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            writeOne(host);
        }
    }

    /** As {@link #write} until {@code millis} have passed. */
    void writeFor(PairClient host, long millis) throws IOException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            writeOne(host);
        }
    }

    private void writeOne(PairClient host) throws IOException {
        int slot = random.nextInt(slots);
        long s = ++seq;
        sinceFlush.computeIfAbsent(slot, k -> new ArrayList<>()).add(s); // before the send: it may land
        host.write(lba(slot), PairClient.pattern(lba(slot), s, SLOT), false);
        acked++;
        if (acked % flushEvery == 0) {
            synchronizeCache(host);
        }
    }

    /** SYNCHRONIZE CACHE; once GOOD, every write sent before it must survive anything. */
    void synchronizeCache(PairClient host) throws IOException {
        host.synchronizeCache();
        flushes++;
        for (Map.Entry<Integer, List<Long>> e : sinceFlush.entrySet()) {
            List<Long> writes = e.getValue();
            flushed[e.getKey()] = writes.get(writes.size() - 1);
        }
        sinceFlush.clear();
    }

    int slots() {
        return slots;
    }

    long acked() {
        return acked;
    }

    long flushes() {
        return flushes;
    }

    /** Writes sent after the last completed flush. */
    int unflushed() {
        return sinceFlush.values().stream().mapToInt(List::size).sum();
    }

    static long lba(int slot) {
        return (long) slot * BLOCKS_PER_SLOT;
    }

    /** Whether {@code content} of {@code slot} is one a host may see after a power cut. */
    boolean acceptable(int slot, byte[] content) {
        if (Arrays.equals(expectedFlushed(slot), content)) {
            return true;
        }
        for (long s : sinceFlush.getOrDefault(slot, List.of())) {
            if (Arrays.equals(PairClient.pattern(lba(slot), s, SLOT), content)) {
                return true;
            }
        }
        return false;
    }

    /** The slot's content as of the last completed flush. */
    byte[] expectedFlushed(int slot) {
        long s = flushed[slot];
        return s == 0 ? new byte[SLOT] : PairClient.pattern(lba(slot), s, SLOT);
    }
}
