package net.twinblock.mirror.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PointBlocksTest {

    private static ConsistencyPoint point(long[] refs, long... whole) {
        return new ConsistencyPoint(1, 4096, refs, whole, new byte[whole.length * 4096]);
    }

    /** Slots of a reference's blocks are consecutive, in the manifest's order of references, whatever their blocks. */
    @Test
    void everyReferencedBlockHasItsSlotAndNoOtherBlockHasOne() {
        // 3,000 one-block references spread over a large volume, then a long run, out of order.
        long[] refs = new long[3 * 3001];
        for (int i = 0; i < 3000; i++) {
            refs[3 * i] = 1_000_003L * (2999 - i);
            refs[3 * i + 1] = 1;
            refs[3 * i + 2] = i;
        }
        refs[9000] = 5;
        refs[9001] = 1000;
        refs[9002] = 7;
        PointBlocks blocks = PointBlocks.of(point(refs, 1_000_002L, 4), 4000);
        assertNotNull(blocks);
        for (int i = 0; i < 3000; i++) {
            assertEquals(i, blocks.slot(1_000_003L * (2999 - i)));
            assertEquals(-1, blocks.slot(1_000_003L * (2999 - i) + 1));
        }
        for (int k = 0; k < 1000; k++) {
            assertEquals(3000 + k, blocks.slot(5 + k));
        }
        assertEquals(-1, blocks.slot(1005));
        assertEquals(-1, blocks.slot(4));
        assertTrue(blocks.whole(4) && blocks.whole(1_000_002L));
        assertFalse(blocks.whole(5));

        assertEquals(-1, blocks.newestWriter(3500));
        blocks.writtenBy(3500, 12);
        assertEquals(12, blocks.newestWriter(3500));
    }

    @Test
    void referencesNamingOneBlockTwiceAreRefused() {
        assertNull(PointBlocks.of(point(new long[] {10, 4, 1, 13, 1, 2}), 100), "block 13 twice");
        assertNull(PointBlocks.of(point(new long[] {10, 4, 1, 0, 20, 2}), 100), "blocks 10-13 twice");
        assertNotNull(PointBlocks.of(point(new long[] {10, 4, 1, 14, 1, 2}), 100));
    }

    /** Held entries touching 5 blocks cannot back references to 6 blocks that do not overlap. */
    @Test
    void moreReferencedBlocksThanTheHeldEntriesTouchAreRefusedBeforeAnyTableIsBuilt() {
        assertNull(PointBlocks.of(point(new long[] {0, 6, 1}), 5));
        assertNotNull(PointBlocks.of(point(new long[] {0, 5, 1}), 5));
    }
}
