package net.twinblock.iscsi.scsi;

import static net.twinblock.iscsi.scsi.ScsiHarness.pattern;
import static net.twinblock.iscsi.scsi.ScsiHarness.rw10;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.twinblock.iscsi.lun.ProvisioningRun;
import org.junit.jupiter.api.Test;

class GetLbaStatusTest {

    private static final long BLOCKS = 1024;

    private static byte[] getLbaStatus(long lba, long allocationLength) {
        byte[] c = new byte[16];
        c[0] = (byte) 0x9e;
        c[1] = 0x12;
        Cdb.putLong(c, 2, lba);
        Cdb.putInt(c, 10, (int) allocationLength);
        return c;
    }

    private static ScsiHarness.Result status(ScsiHarness h, long lba, int allocationLength) {
        return h.run(getLbaStatus(lba, allocationLength), allocationLength);
    }

    /** Descriptor {@code i}: LBA, block count and provisioning status (0 mapped, 1 deallocated). */
    private static long[] descriptor(byte[] data, int i) {
        int off = 8 + 16 * i;
        return new long[] {Cdb.u64(data, off), Cdb.u32(data, off + 8), data[off + 12] & 0x0f};
    }

    @Test
    void aNewThinLuIsOneDeallocatedRunFromTheAskedLba() {
        try (ScsiHarness h = new ScsiHarness(512, BLOCKS)) {
            byte[] d = status(h, 100, 24).assertGood().data();
            assertEquals(24, d.length);
            assertEquals(20, Cdb.u32(d, 0), "PARAMETER DATA LENGTH");
            assertEquals(List.of(100L, BLOCKS - 100, 1L), List.of(descriptor(d, 0)[0], descriptor(d, 0)[1],
                    descriptor(d, 0)[2]));
        }
    }

    @Test
    void writtenBlocksAreMappedAndUnmappedOnesDeallocated() {
        try (ScsiHarness h = new ScsiHarness(4096, BLOCKS)) {
            h.write(rw10(0x2a, 0, 4, 4), pattern(4 * 4096, 1)).assertGood();
            byte[] unmap = new byte[24];
            Cdb.putShort(unmap, 0, 22);
            Cdb.putShort(unmap, 2, 16);
            Cdb.putLong(unmap, 8, 5);
            Cdb.putInt(unmap, 16, 1);
            h.write(ScsiHarness.cdb(0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0), unmap).assertGood();

            byte[] d = status(h, 0, 8 + 16 * 8).assertGood().data();
            assertEquals(8 + 16 * 5, d.length, "five runs, fewer than there was room for");
            long[][] expected = {{0, 4, 1}, {4, 1, 0}, {5, 1, 1}, {6, 2, 0}, {8, BLOCKS - 8, 1}};
            for (int i = 0; i < expected.length; i++) {
                assertEquals(List.of(expected[i][0], expected[i][1], expected[i][2]),
                        List.of(descriptor(d, i)[0], descriptor(d, i)[1], descriptor(d, i)[2]), "descriptor " + i);
            }

            byte[] two = status(h, 4, 8 + 16 * 2).assertGood().data();
            assertEquals(8 + 16 * 2, two.length, "only as many descriptors as the allocation length holds");
            assertEquals(4 + 16 * 2, Cdb.u32(two, 0));
            assertEquals(List.of(5L, 1L, 1L), List.of(descriptor(two, 1)[0], descriptor(two, 1)[1], descriptor(two, 1)[2]),
                    "block 4 mapped, then block 5 deallocated");
        }
    }

    @Test
    void aShortAllocationLengthCutsTheDataAndZeroAsksForNone() {
        try (ScsiHarness h = new ScsiHarness(512, BLOCKS)) {
            ScsiHarness.Result cut = status(h, 0, 12).assertGood();
            assertEquals(12, cut.data().length);
            assertEquals(20, Cdb.u32(cut.data(), 0), "the length says what there was");
            assertEquals(0, status(h, 0, 0).assertGood().data().length);
        }
    }

    @Test
    void anLbaAtOrPastTheEndIsOutOfRange() {
        try (ScsiHarness h = new ScsiHarness(512, BLOCKS)) {
            status(h, BLOCKS - 1, 24).assertGood();
            status(h, BLOCKS, 24).assertLbaOutOfRange();
            status(h, BLOCKS + 1, 24).assertLbaOutOfRange();
            status(h, 1L << 63, 24).assertLbaOutOfRange();
            status(h, -1L, 24).assertLbaOutOfRange();
        }
    }

    @Test
    void aFullyProvisionedLuHasNoLbaStatus() {
        try (ScsiHarness h = new ScsiHarness(512, BLOCKS, false, null)) {
            status(h, 0, 24).assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_COMMAND_OPERATION_CODE);
            byte[] one = h.run(ScsiHarness.cdb(0xa3, 0x0c, 2, 0x9e, 0, 0x12, 0, 0, 2, 0, 0, 0), 512).assertGood().data();
            assertEquals(1, one[1] & 7, "reported as not supported");
        }
        try (ScsiHarness thin = new ScsiHarness(512, BLOCKS)) {
            byte[] one = thin.run(ScsiHarness.cdb(0xa3, 0x0c, 2, 0x9e, 0, 0x12, 0, 0, 2, 0, 0, 0), 512)
                    .assertGood().data();
            assertEquals(3, one[1] & 7, "supported as the standard says");
            assertEquals(16, Cdb.u16(one, 2), "a 16-byte CDB");
        }
    }

    @Test
    void aRunLongerThanADescriptorCanCountTakesSeveral() {
        long huge = 3 * 0xffffffffL + 7;
        byte[] d = GetLbaStatusHandler.parameterData(List.of(new ProvisioningRun(10, huge, false),
                new ProvisioningRun(10 + huge, 5, true)), 10);
        assertEquals(8 + 16 * 5, d.length);
        assertEquals(0xffffffffL, descriptor(d, 0)[1]);
        assertEquals(10 + 3 * 0xffffffffL, descriptor(d, 3)[0]);
        assertEquals(7, descriptor(d, 3)[1]);
        assertEquals(List.of(10 + huge, 5L, 0L), List.of(descriptor(d, 4)[0], descriptor(d, 4)[1], descriptor(d, 4)[2]));
        assertTrue(GetLbaStatusHandler.parameterData(List.of(new ProvisioningRun(0, huge, true)), 2).length == 8 + 32,
                "never more than asked");
    }
}
