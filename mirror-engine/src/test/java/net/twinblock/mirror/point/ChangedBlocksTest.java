package net.twinblock.mirror.point;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.twinblock.mirror.link.BlockReference;
import org.junit.jupiter.api.Test;

/** Building a consistency point's manifest: which blocks go by reference and which go whole. */
class ChangedBlocksTest {

    private static final int KIB = 1024;
    private final ChangedBlocks map = new ChangedBlocks(4 * KIB);

    @Test
    void anAlignedWriteIsOneReferenceToItsTransfer() {
        map.written(7, 16 * KIB, 16 * KIB);
        Manifest m = map.cut();
        assertEquals(List.of(new BlockReference(4, 4, 7)), m.references());
        assertEquals(0, m.wholeBlocks().length);
        assertEquals(4, m.blocksByReference());
        assertEquals(16 * KIB, m.hostBytes());
    }

    @Test
    void aSmallWriteInsideABlockSendsTheBlockWhole() {
        map.written(3, 4 * KIB + 512, 512);
        Manifest m = map.cut();
        assertEquals(List.of(), m.references());
        assertArrayEquals(new long[] {1}, m.wholeBlocks());
        assertEquals(512, m.hostBytes());
    }

    @Test
    void anUnalignedWriteIsWholeInTheMiddleAndPartialAtItsEnds() {
        map.written(9, 2 * KIB, 12 * KIB); // 2K..14K: block 0 and 3 partly, 1 and 2 wholly
        Manifest m = map.cut();
        assertEquals(List.of(new BlockReference(1, 2, 9)), m.references());
        assertArrayEquals(new long[] {0, 3}, m.wholeBlocks());
    }

    @Test
    void aBlockTwoTransfersEachWroteInPartGoesWhole() {
        map.written(1, 0, 6 * KIB); // block 0 whole, block 1 first half
        map.written(2, 6 * KIB, 6 * KIB); // block 1 second half, block 2 whole
        Manifest m = map.cut();
        assertEquals(List.of(new BlockReference(0, 1, 1), new BlockReference(2, 1, 2)), m.references());
        assertArrayEquals(new long[] {1}, m.wholeBlocks());
    }

    @Test
    void aBlockRewrittenBySeveralTransfersPointsAtTheNewest() {
        map.written(1, 0, 32 * KIB);
        map.written(2, 8 * KIB, 4 * KIB);
        map.written(3, 8 * KIB, 4 * KIB);
        map.written(4, 28 * KIB, 8 * KIB);
        Manifest m = map.cut();
        assertEquals(List.of(new BlockReference(0, 2, 1), new BlockReference(2, 1, 3), new BlockReference(3, 4, 1),
                new BlockReference(7, 2, 4)), m.references());
        assertEquals(9, m.blocksByReference());
    }

    @Test
    void aBlockPartlyWrittenThenWhollyRewrittenIsAReference() {
        map.written(1, 512, 512);
        map.written(2, 0, 4 * KIB);
        Manifest m = map.cut();
        assertEquals(List.of(new BlockReference(0, 1, 2)), m.references());
        assertEquals(0, m.wholeBlocks().length);
    }

    @Test
    void aBlockWhollyWrittenThenPartlyRewrittenGoesWhole() {
        map.written(1, 0, 8 * KIB);
        map.written(2, 4 * KIB + 512, 512);
        Manifest m = map.cut();
        assertEquals(List.of(new BlockReference(0, 1, 1)), m.references());
        assertArrayEquals(new long[] {1}, m.wholeBlocks());
    }

    @Test
    void aPartialBlockSplitsARunOfTheSameTransfer() {
        map.written(5, 0, 12 * KIB);
        map.written(6, 4 * KIB, 1 * KIB);
        assertEquals(List.of(new BlockReference(0, 1, 5), new BlockReference(2, 1, 5)), map.cut().references());
    }

    @Test
    void wrappedTransferIdsStayThemselves() {
        map.written(-1, 0, 4 * KIB);
        map.written(Integer.MIN_VALUE, 4 * KIB, 4 * KIB);
        map.written(0, 8 * KIB, 4 * KIB);
        assertEquals(List.of(new BlockReference(0, 1, -1), new BlockReference(1, 1, Integer.MIN_VALUE),
                new BlockReference(2, 1, 0)), map.cut().references());
    }

    @Test
    void aCutStartsTheNextPointEmpty() {
        map.written(1, 0, 4 * KIB);
        assertEquals(1, map.size());
        assertEquals(4 * KIB, map.hostBytes());
        map.cut();
        assertEquals(0, map.size());
        assertEquals(0, map.hostBytes());
        assertTrue(map.cut().isEmpty());
        map.written(2, 1L << 40, 4 * KIB);
        assertEquals(List.of(new BlockReference((1L << 40) / (4 * KIB), 1, 2)), map.cut().references());
    }

    @Test
    void aBlockSizeTheManifestCannotCarryIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ChangedBlocks(3000));
        assertTrue(e.getMessage().contains("cp.block-size"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ChangedBlocks(256));
        assertThrows(IllegalArgumentException.class, () -> map.written(1, -1, 10));
    }
}
