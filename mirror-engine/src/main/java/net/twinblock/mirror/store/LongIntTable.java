package net.twinblock.mirror.store;

import java.util.Arrays;

/**
 * A map from long keys to non-negative ints in two primitive arrays (open addressing, linear
 * probing, at most half full): what a point looks up once per block and once per reference,
 * where a boxed map cost an allocation and a binary search a dozen cache misses per lookup.
 * Sized once for the keys it will hold; one thread.
 */
final class LongIntTable {

    private static final int EMPTY = -1;

    private final long[] keys;
    /** {@link #EMPTY} where no key is. */
    private final int[] values;
    private final int mask;
    private final int shift;

    /** A table for up to {@code capacity} keys. */
    LongIntTable(int capacity) {
        int places = Integer.highestOneBit(Math.max(capacity, 1)) << 2;
        keys = new long[places];
        values = new int[places];
        Arrays.fill(values, EMPTY);
        mask = places - 1;
        shift = 64 - Integer.numberOfTrailingZeros(places);
    }

    /** Sets {@code key} to {@code value} (at least 0); returns the value it had, or -1. */
    int put(long key, int value) {
        for (int i = place(key);; i = (i + 1) & mask) {
            if (values[i] == EMPTY || keys[i] == key) {
                int old = values[i];
                keys[i] = key;
                values[i] = value;
                return old;
            }
        }
    }

    /** The value of {@code key}, or -1. */
    int get(long key) {
        for (int i = place(key);; i = (i + 1) & mask) {
            if (values[i] == EMPTY || keys[i] == key) {
                return values[i];
            }
        }
    }

    private int place(long key) {
        return (int) ((key * 0x9E37_79B9_7F4A_7C15L) >>> shift); // Fibonacci hashing: the product's top bits
    }
}
