package net.twinblock.mirror.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LruExtentSetTest {

    private static Extent x(long i) {
        return new Extent(i);
    }

    @Test
    void evictsLeastRecentlyUsedIdleExtentsDownToCapacity() {
        LruExtentSet set = new LruExtentSet(2);
        set.add(x(1));
        set.add(x(2));
        set.add(x(3));
        assertTrue(set.touch(x(1)), "1 is now the most recently used");
        assertEquals(List.of(x(2)), set.evictIdle());
        assertEquals(List.of(x(3), x(1)), set.extents());
    }

    @Test
    void neverEvictsAnExtentWithAWriteInFlight() {
        LruExtentSet set = new LruExtentSet(1);
        for (long i = 0; i < 4; i++) {
            set.add(x(i));
            set.begin(x(i));
        }
        assertEquals(List.of(), set.evictIdle(), "all busy: the set stays over capacity");
        assertEquals(4, set.size());
        assertEquals(4, set.busy());

        assertTrue(set.end(x(0), 0), "its only write ended");
        // extent 0 is idle now, and the oldest: the only one that may go
        assertEquals(List.of(x(0)), set.evictIdle());
        assertEquals(3, set.size());
    }

    @Test
    void anExtentStaysBusyUntilItsLastWriteEnds() {
        LruExtentSet set = new LruExtentSet(0);
        set.add(x(5));
        set.begin(x(5));
        set.begin(x(5));
        assertFalse(set.end(x(5), 0), "one write still in flight");
        assertEquals(List.of(), set.evictIdle());
        assertTrue(set.end(x(5), 0));
        assertEquals(List.of(x(5)), set.evictIdle(), "capacity 0 keeps nothing idle");
        assertEquals(0, set.size());
    }

    @Test
    void evictionSkipsBusyExtentsAtTheOldEnd() {
        LruExtentSet set = new LruExtentSet(1);
        set.add(x(1));
        set.begin(x(1)); // oldest, but busy
        set.add(x(2));
        set.add(x(3));
        assertEquals(List.of(x(2), x(3)), set.evictIdle(), "idle ones go even though a busy one is older");
        assertEquals(List.of(x(1)), set.extents());
    }

    @Test
    void endingAWriteThatIsNotInFlightIsACallerBug() {
        LruExtentSet set = new LruExtentSet(4);
        set.add(x(1));
        assertThrows(IllegalStateException.class, () -> set.end(x(1), 0));
        assertThrows(IllegalStateException.class, () -> set.begin(x(9)), "not a member");
    }

    @Test
    void removeIdleRefusesBusyExtents() {
        LruExtentSet set = new LruExtentSet(4);
        set.add(x(1));
        set.begin(x(1));
        assertFalse(set.removeIdle(x(1)));
        set.end(x(1), 0);
        assertTrue(set.removeIdle(x(1)));
        assertFalse(set.contains(x(1)));
    }

    @Test
    void aDirtyIdleExtentIsPinnedUntilAFlushMarkCoversIt() {
        LruExtentSet set = new LruExtentSet(0);
        set.add(x(1));
        set.begin(x(1));
        set.add(x(2));
        set.begin(x(2));
        assertTrue(set.end(x(1), 5));
        assertTrue(set.end(x(2), 7));
        assertEquals(List.of(), set.evictIdle(), "idle but dirty: neither may go");
        assertEquals(2, set.pinned());
        assertEquals(2, set.dirtyIdle());
        assertEquals(1, set.cleanUpTo(6), "a flush begun after write 5 and before write 7");
        assertEquals(List.of(x(1)), set.evictIdle());
        assertEquals(1, set.dirtyIdle(), "extent 2's write came after the flush began");
        assertFalse(set.removeIdle(x(2)), "dirty: not removable either");
    }
}
