package net.twinblock.iscsi.scsi;

import static net.twinblock.iscsi.scsi.ScsiHarness.cdb;
import static net.twinblock.iscsi.scsi.ScsiHarness.pattern;
import static net.twinblock.iscsi.scsi.ScsiHarness.rw10;
import static net.twinblock.iscsi.scsi.ScsiHarness.rw16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UnmapAndWriteSameTest {

    private static final long BLOCKS = 2048;

    private static byte[] unmapCdb(int anchor, int parameterListLength) {
        return cdb(0x42, anchor, 0, 0, 0, 0, 0, parameterListLength >>> 8, parameterListLength & 0xff, 0);
    }

    private static byte[] unmapList(long[]... extents) {
        byte[] p = new byte[8 + 16 * extents.length];
        Cdb.putShort(p, 0, p.length - 2);
        Cdb.putShort(p, 2, 16 * extents.length);
        for (int i = 0; i < extents.length; i++) {
            Cdb.putLong(p, 8 + 16 * i, extents[i][0]);
            Cdb.putInt(p, 16 + 16 * i, (int) extents[i][1]);
        }
        return p;
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void unmappedBlocksReadBackAsZeros(int bs) {
        try (ScsiHarness h = new ScsiHarness(bs, BLOCKS)) {
            h.storage.fill(0, 64, (byte) 0xff);
            byte[] list = unmapList(new long[] {1, 3}, new long[] {10, 2}, new long[] {BLOCKS - 1, 0});
            h.write(unmapCdb(0, list.length), list).assertGood();
            byte[] read = h.run(rw10(0x28, 0, 0, 12), 12 * bs).assertGood().data();
            for (int b = 0; b < 12; b++) {
                boolean unmapped = (b >= 1 && b < 4) || b == 10 || b == 11;
                byte expect = unmapped ? 0 : (byte) 0xff;
                for (int i = 0; i < bs; i++) {
                    assertEquals(expect, read[b * bs + i], "block " + b);
                }
            }
            assertEquals(2, h.storage.unmaps.size(), "descriptors of 0 blocks do nothing");
        }
    }

    @Test
    void unmapChecksEveryDescriptorBeforeTouchingAny() {
        try (ScsiHarness h = new ScsiHarness(512, BLOCKS)) {
            byte[] list = unmapList(new long[] {0, 8}, new long[] {BLOCKS - 1, 2});
            h.write(unmapCdb(0, list.length), list).assertLbaOutOfRange();
            byte[] huge = unmapList(new long[] {-1L, 1});
            h.write(unmapCdb(0, huge.length), huge).assertLbaOutOfRange();
            assertTrue(h.storage.unmaps.isEmpty());
        }
    }

    @Test
    void unmapParameterListErrors() {
        try (ScsiHarness h = new ScsiHarness(512, BLOCKS)) {
            h.run(0, unmapCdb(0, 0), 0, false, false, null).assertGood();
            h.write(unmapCdb(0, 4), new byte[4])
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.PARAMETER_LIST_LENGTH_ERROR);
            byte[] list = unmapList(new long[] {0, 1});
            h.write(unmapCdb(1, list.length), list).assertInvalidField(1); // ANCHOR
            long[][] many = new long[257][];
            for (int i = 0; i < many.length; i++) {
                many[i] = new long[] {i, 1};
            }
            byte[] tooMany = unmapList(many);
            h.write(unmapCdb(0, tooMany.length), tooMany)
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_PARAMETER_LIST);
            assertTrue(h.storage.unmaps.isEmpty());
        }
    }

    @Test
    void unmapOnThickStorageIsNotSupported() {
        try (ScsiHarness h = new ScsiHarness(512, BLOCKS, false, null)) {
            byte[] list = unmapList(new long[] {0, 1});
            h.write(unmapCdb(0, list.length), list)
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_COMMAND_OPERATION_CODE);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void writeSameWritesTheBlockOverTheRange(int bs) {
        try (ScsiHarness h = new ScsiHarness(bs, 4 * 1024 * 1024 / bs)) {
            byte[] block = pattern(bs, 9);
            // more than one internal chunk (1 MiB) to cover the chunk loop
            int blocks = (2 * 1024 * 1024 + 3 * bs) / bs;
            h.write(rw16(0x93, 0, 5, blocks), block).assertGood();
            for (int b = 0; b < blocks; b += blocks / 7) {
                assertArrayEquals(block, h.storage.contents(5 + b, 1), "block " + b);
            }
            assertArrayEquals(block, h.storage.contents(5 + blocks - 1, 1));
            assertArrayEquals(new byte[bs], h.storage.contents(5 + blocks, 1));
            assertArrayEquals(new byte[bs], h.storage.contents(4, 1));
            h.write(rw10(0x41, 0, 0, 3), block).assertGood();
            assertArrayEquals(block, h.storage.contents(2, 1));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0x41, 0x93})
    void writeSameUnmapWithZerosDeallocates(int opcode) {
        try (ScsiHarness h = new ScsiHarness(512, BLOCKS)) {
            h.storage.fill(0, 300, (byte) 0xee);
            byte[] cdb = opcode == 0x41 ? rw10(opcode, 0x08, 10, 256) : rw16(opcode, 0x08, 10, 256);
            h.write(cdb, new byte[512]).assertGood();
            assertEquals(1, h.storage.unmaps.size());
            assertTrue(h.storage.writes.isEmpty());
            assertArrayEquals(new byte[256 * 512], h.run(rw10(0x28, 0, 10, 256), 256 * 512).data());
        }
    }

    @Test
    void writeSameUnmapDeallocatesWhateverTheBlockHolds() {
        try (ScsiHarness h = new ScsiHarness(512, BLOCKS)) {
            h.storage.fill(0, 8, (byte) 0xee);
            h.write(rw16(0x93, 0x08, 0, 4), pattern(512, 3)).assertGood();
            assertEquals(1, h.storage.unmaps.size(), "UNMAP asks for deallocation (SBC-3 §5.42)");
            assertTrue(h.storage.writes.isEmpty());
            assertArrayEquals(new byte[4 * 512], h.storage.contents(0, 4), "reads back as zeros (LBPRZ)");
        }
    }

    @Test
    void writeSameUnmapOnAFullyProvisionedLuWritesTheBlock() {
        try (ScsiHarness h = new ScsiHarness(512, BLOCKS, false, null)) {
            byte[] block = pattern(512, 3);
            h.write(rw16(0x93, 0x08, 0, 4), block).assertGood();
            assertTrue(h.storage.unmaps.isEmpty());
            assertArrayEquals(block, h.storage.contents(3, 1));
        }
    }

    @Test
    void writeSameNdobWritesZerosWithoutDataOut() {
        try (ScsiHarness h = new ScsiHarness(512, BLOCKS)) {
            h.storage.fill(0, 8, (byte) 1);
            h.run(0, rw16(0x93, 0x01, 0, 8), 0, false, false, null).assertGood();
            assertArrayEquals(new byte[8 * 512], h.storage.contents(0, 8));
            assertTrue(h.storage.unmaps.isEmpty(), "without UNMAP the blocks stay mapped");
            h.storage.fill(0, 8, (byte) 1);
            h.run(0, rw16(0x93, 0x09, 0, 8), 0, false, false, null).assertGood();
            assertEquals(1, h.storage.unmaps.size());
        }
    }

    @Test
    void writeSameRefusals() {
        try (ScsiHarness h = new ScsiHarness(512, BLOCKS)) {
            byte[] block = new byte[512];
            h.write(rw10(0x41, 0x10, 0, 1), block).assertInvalidField(1);          // ANCHOR
            h.write(rw10(0x41, 0x18, 0, 1), block).assertInvalidField(1);          // ANCHOR + UNMAP
            h.write(rw10(0x41, 0x20, 0, 1), block).assertInvalidField(1);          // WRPROTECT
            h.write(rw10(0x41, 0, BLOCKS + 1, 0), block).assertLbaOutOfRange();   // range first, as libiscsi expects
            h.write(rw10(0x41, 0, BLOCKS, 0), block).assertLbaOutOfRange();       // 0 blocks from past the end
            h.write(rw16(0x93, 0, -1L, 0), block).assertLbaOutOfRange();
            h.write(rw10(0x41, 0, BLOCKS - 1, 2), block).assertLbaOutOfRange();
            // Data-Out must be exactly one block.
            h.write(rw10(0x41, 0x08, 0, 1), new byte[256])
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT);
            h.write(rw10(0x41, 0x08, 0, 1), new byte[1024])
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT);
            assertTrue(h.storage.writes.isEmpty() && h.storage.unmaps.isEmpty());
            byte[] untouched = new byte[512];
            Arrays.fill(untouched, (byte) 0);
            assertArrayEquals(untouched, h.storage.contents(0, 1));
        }
    }

    @Test
    void zeroBlocksWritesFromTheLbaToTheEndOfTheMedium() {
        try (ScsiHarness h = new ScsiHarness(512, BLOCKS)) {
            h.storage.fill(0, (int) BLOCKS, (byte) 0x77);
            byte[] block = pattern(512, 9);
            h.write(rw10(0x41, 0, BLOCKS - 10, 0), block).assertGood();
            for (long b = BLOCKS - 10; b < BLOCKS; b++) {
                assertArrayEquals(block, h.storage.contents(b, 1), "block " + b);
            }
            assertEquals(0x77, h.storage.contents(BLOCKS - 11, 1)[0], "nothing before the LBA");
            h.write(rw16(0x93, 0x08, BLOCKS - 4, 0), new byte[512]).assertGood();
            assertEquals(List.of(BLOCKS - 4, 4L), List.of(h.storage.unmaps.get(0)[0], h.storage.unmaps.get(0)[1]),
                    "zeros with UNMAP deallocate to the end");
        }
    }

    @Test
    void zeroBlocksIsRefusedWhenTheRestOfTheMediumExceedsTheMaximum() {
        long max = new BlockLimits(512).maxWriteSameBlocks();
        try (ScsiHarness h = new ScsiHarness(512, max + 8)) {
            byte[] block = new byte[512];
            h.write(rw10(0x41, 0, 7, 0), block).assertInvalidField(7);
            h.write(rw16(0x93, 0, 7, 0), block).assertInvalidField(10);
            assertTrue(h.storage.writes.isEmpty() && h.storage.unmaps.isEmpty());
            h.write(rw16(0x93, 0, 8, 0), block).assertGood();
            assertEquals(max, h.storage.writes.stream().mapToLong(w -> w.blocks()).sum(), "exactly the maximum");
        }
    }

    @Test
    void writeSameLongerThanAdvertisedMaximumIsInvalidField() {
        long max = new BlockLimits(4096).maxWriteSameBlocks();
        try (ScsiHarness h = new ScsiHarness(4096, max + 16)) {
            h.write(rw16(0x93, 0x08, 0, max + 1), new byte[4096]).assertInvalidField(10);
            h.write(rw16(0x93, 0x08, 0, max), new byte[4096]).assertGood();
        }
    }
}
