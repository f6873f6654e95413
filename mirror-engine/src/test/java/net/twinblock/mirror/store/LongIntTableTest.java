package net.twinblock.mirror.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LongIntTableTest {

    @Test
    void keysOfAnySignAndSpacingKeepTheirLatestValue() {
        LongIntTable t = new LongIntTable(5000);
        for (int i = 0; i < 5000; i++) {
            assertEquals(-1, t.put((i - 2500) * 4096L, i)); // negative, zero and positive keys, in a stride
        }
        assertEquals(0, t.put(-2500 * 4096L, 42), "the value it had");
        assertEquals(42, t.get(-2500 * 4096L));
        for (int i = 1; i < 5000; i++) {
            assertEquals(i, t.get((i - 2500) * 4096L));
            assertEquals(-1, t.get((i - 2500) * 4096L + 1));
        }
        assertEquals(-1, t.get(Long.MIN_VALUE));
    }

    @Test
    void aTableForOneKeyHoldsIt() {
        LongIntTable t = new LongIntTable(0);
        assertEquals(-1, t.get(0));
        assertEquals(-1, t.put(0, 0));
        assertEquals(0, t.get(0));
    }
}
