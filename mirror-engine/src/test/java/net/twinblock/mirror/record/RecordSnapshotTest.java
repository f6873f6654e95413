package net.twinblock.mirror.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordSnapshotTest {

    private static final long EXTENT = 1 << 20;

    private static RecordSnapshot of(long... indexes) {
        return RecordSnapshot.ofIndexes(5, EXTENT, indexes);
    }

    @Test
    void extentsAreSortedAndUnique() {
        assertEquals(List.of(new Extent(1), new Extent(4), new Extent(9)), of(9, 1, 4, 9, 1).extents());
    }

    @Test
    void touchesSaysWhetherAnyByteOfARangeIsRecorded() {
        RecordSnapshot s = of(2, 10);
        assertFalse(s.touches(0, 2 * EXTENT), "extents 0 and 1 only");
        assertTrue(s.touches(2 * EXTENT - 512, 1024), "the last 512 bytes fall in extent 2");
        assertTrue(s.touches(3 * EXTENT, 8 * EXTENT), "3..10 includes 10");
        assertFalse(s.touches(3 * EXTENT, 7 * EXTENT), "3..9 does not");
        assertFalse(s.touches(11 * EXTENT, 4096));
        assertFalse(s.touches(2 * EXTENT, 0), "an empty range touches nothing");
        assertFalse(of().touches(0, 100 * EXTENT));
    }

    @Test
    void unionHoldsBoth() {
        assertEquals(of(1, 2, 3, 7), of(1, 3, 7).union(of(2, 3)));
    }

    @Test
    void wireFormatRoundTripsAndRejectsDamage() {
        RecordSnapshot s = of(3, 1, 4, 1, 5, 9, 2, 6);
        byte[] bytes = s.toBytes();
        assertEquals(s, RecordSnapshot.fromBytes(bytes));
        bytes[bytes.length - 6] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> RecordSnapshot.fromBytes(bytes));
        assertThrows(IllegalArgumentException.class, () -> RecordSnapshot.fromBytes(Arrays.copyOf(s.toBytes(), 20)));
        assertThrows(IllegalArgumentException.class, () -> RecordSnapshot.fromBytes(new byte[40]));
    }
}
