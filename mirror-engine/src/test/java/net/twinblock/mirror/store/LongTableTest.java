package net.twinblock.mirror.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LongTableTest {

    @Test
    void keysOfAnySignAndSpacingKeepTheirLatestValue() {
        LongTable t = new LongTable(5000);
        for (int i = 0; i < 5000; i++) {
            assertEquals(LongTable.NONE, t.put((i - 2500) * 4096L, i)); // negative, zero and positive keys, in a stride
        }
        assertEquals(0, t.put(-2500 * 4096L, 42), "the value it had");
        assertEquals(42, t.get(-2500 * 4096L));
        for (int i = 1; i < 5000; i++) {
            assertEquals(i, t.get((i - 2500) * 4096L));
            assertEquals(LongTable.NONE, t.get((i - 2500) * 4096L + 1));
        }
        assertEquals(LongTable.NONE, t.get(Long.MIN_VALUE));
        assertEquals(5000, t.size());
    }

    @Test
    void aTableForOneKeyHoldsIt() {
        LongTable t = new LongTable(0);
        assertEquals(LongTable.NONE, t.get(0));
        assertEquals(LongTable.NONE, t.put(0, 0));
        assertEquals(0, t.get(0));
    }

    /** The primary's changed blocks start small and take a whole interval's writes. */
    @Test
    void growsPastItsCapacityKeepingEveryKeyAndValue() {
        LongTable t = new LongTable(1);
        for (long k = 0; k < 100_000; k++) {
            t.put(k * 7919, (k << 32) + 5); // values past 32 bits
        }
        t.put(7919, 1); // a rewrite is not a new key
        assertEquals(100_000, t.size());
        assertEquals(1, t.get(7919));
        for (long k = 2; k < 100_000; k++) {
            assertEquals((k << 32) + 5, t.get(k * 7919));
        }
        long[] keys = t.keys();
        Arrays.sort(keys);
        assertArrayEquals(LongStream.range(0, 100_000).map(k -> k * 7919).toArray(), keys);
    }

    @Test
    void refusesANegativeValueItCouldNotTellFromNone() {
        assertThrows(IllegalArgumentException.class, () -> new LongTable(4).put(1, -1));
    }
}
