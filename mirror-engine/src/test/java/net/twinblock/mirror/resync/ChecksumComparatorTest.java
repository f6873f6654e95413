package net.twinblock.mirror.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChecksumComparatorTest {

    /** 10 regions of 4 blocks, the last region 2 blocks (38 blocks). */
    private static final ScanGeometry GEOMETRY = new ScanGeometry(38L * 512, 512, 4);

    private static HashBatch batch(long first, int... hashes) {
        byte[] packed = new byte[hashes.length * 4];
        for (int i = 0; i < hashes.length; i++) {
            packed[i * 4 + 3] = (byte) hashes[i];
        }
        return new HashBatch(ChecksumAlgorithm.CRC32C, first, hashes.length, packed);
    }

    @Test
    void adjacentDifferingRegionsBecomeOneRange() {
        ChecksumComparator cmp = new ChecksumComparator(GEOMETRY);
        List<DifferingBlocks> ranges = cmp.differing(batch(0, 1, 2, 3, 4, 5, 6), batch(0, 1, 9, 9, 4, 9, 6));
        assertEquals(List.of(new DifferingBlocks(4, 8), new DifferingBlocks(16, 4)), ranges);
        assertEquals(12, cmp.blocksDiffering());
        assertEquals(6, cmp.regionsCompared());
    }

    @Test
    void theShortLastRegionCountsItsRealBlocks() {
        ChecksumComparator cmp = new ChecksumComparator(GEOMETRY);
        assertEquals(List.of(new DifferingBlocks(32, 6)), cmp.differing(batch(8, 1, 2), batch(8, 7, 7)));
        assertEquals(6, cmp.blocksDiffering());
    }

    @Test
    void identicalHashesDifferNowhere() {
        ChecksumComparator cmp = new ChecksumComparator(GEOMETRY);
        assertEquals(List.of(), cmp.differing(batch(2, 1, 2, 3), batch(2, 1, 2, 3)));
    }

    @Test
    void batchesOfDifferentRegionsCannotBeCompared() {
        ChecksumComparator cmp = new ChecksumComparator(GEOMETRY);
        assertThrows(IllegalArgumentException.class, () -> cmp.differing(batch(0, 1, 2), batch(1, 1, 2)));
        assertThrows(IllegalArgumentException.class, () -> cmp.differing(batch(0, 1, 2), batch(0, 1)));
    }
}
