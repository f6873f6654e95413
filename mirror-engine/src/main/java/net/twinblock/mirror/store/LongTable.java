package net.twinblock.mirror.store;

import java.util.Arrays;

/**
 * A map from long keys to non-negative long values in two primitive arrays (open addressing,
 * linear probing, at most half full, doubling when it would be fuller). For lookups once per
 * block or per write, where a boxed map cost two allocations and a node per entry and a binary
 * search a dozen cache misses: the secondary's point lookups, the primary's changed blocks. One
 * thread, or the caller's lock.
 */
public final class LongTable {

    /** What {@link #get} and {@link #put} return for a key that is not there; also marks a free place. */
    public static final long NONE = -1;

    private long[] keys;
    /** {@link #NONE} where no key is. */
    private long[] values;
    private int mask;
    private int shift;
    private int size;

    /** A table for {@code capacity} keys before it first grows. */
    public LongTable(int capacity) {
        allocate(Integer.highestOneBit(Math.max(capacity, 1)) << 2);
    }

    /** Sets {@code key} to {@code value} (at least 0); returns the value it had, or {@link #NONE}. */
    public long put(long key, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("a value must be at least 0, not " + value);
        }
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int i = find(key);
        long old = values[i];
        keys[i] = key;
        values[i] = value;
        if (old == NONE) {
            size++;
        }
        return old;
    }

    /** The value of {@code key}, or {@link #NONE}. */
    public long get(long key) {
        return values[find(key)];
    }

    public int size() {
        return size;
    }

    /** Every key, in no particular order. */
    public long[] keys() {
        long[] out = new long[size];
        int n = 0;
        for (int i = 0; i < keys.length; i++) {
            if (values[i] != NONE) {
                out[n++] = keys[i];
            }
        }
        return out;
    }

    /** The place of {@code key}, or the free place where it would go. */
    private int find(long key) {
        for (int i = place(key);; i = (i + 1) & mask) {
            if (values[i] == NONE || keys[i] == key) {
                return i;
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        allocate(keys.length << 1);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != NONE) {
                int j = find(oldKeys[i]);
                keys[j] = oldKeys[i];
                values[j] = oldValues[i];
            }
        }
    }

    private void allocate(int places) {
        keys = new long[places];
        values = new long[places];
        Arrays.fill(values, NONE);
        mask = places - 1;
        shift = 64 - Integer.numberOfTrailingZeros(places);
    }

    private int place(long key) {
        return (int) ((key * 0x9E37_79B9_7F4A_7C15L) >>> shift); // Fibonacci hashing: the product's top bits
    }
}
