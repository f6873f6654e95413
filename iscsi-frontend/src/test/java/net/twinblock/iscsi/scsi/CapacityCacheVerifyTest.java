package net.twinblock.iscsi.scsi;

import static net.twinblock.iscsi.scsi.ScsiHarness.cdb;
import static net.twinblock.iscsi.scsi.ScsiHarness.pattern;
import static net.twinblock.iscsi.scsi.ScsiHarness.rw10;
import static net.twinblock.iscsi.scsi.ScsiHarness.rw12;
import static net.twinblock.iscsi.scsi.ScsiHarness.rw16;
import static org.junit.jupiter.api.Assertions.assertEquals;

import net.twinblock.iscsi.scsi.ScsiHarness.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** READ CAPACITY, SYNCHRONIZE CACHE, PRE-FETCH, VERIFY, START STOP UNIT. */
class CapacityCacheVerifyTest {

    private static byte[] readCapacity16(int alloc) {
        return cdb(0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, alloc, 0, 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void readCapacityReportsLastLbaAndBlockSize(int bs) {
        try (ScsiHarness h = new ScsiHarness(bs, 777)) {
            byte[] d10 = h.run(cdb(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0), 8).assertGood().data();
            assertEquals(776, Cdb.u32(d10, 0));
            assertEquals(bs, Cdb.u32(d10, 4));
            byte[] d16 = h.run(readCapacity16(32), 32).assertGood().data();
            assertEquals(32, d16.length);
            assertEquals(776, Cdb.u64(d16, 0));
            assertEquals(bs, Cdb.u32(d16, 8));
            assertEquals(0, d16[12], "no protection");
            assertEquals(0, d16[13] & 0x0f, "one logical block per physical block");
            assertEquals(0xc0, d16[14] & 0xc0, "LBPME and LBPRZ on thin storage");
            Result shortRead = h.run(readCapacity16(12), 12).assertGood();
            assertEquals(12, shortRead.data().length);
            h.run(cdb(0x25, 0, 0, 0, 0, 1, 0, 0, 0, 0), 8).assertInvalidField(2); // LBA without PMI
        }
        try (ScsiHarness thick = new ScsiHarness(512, 8, false, null)) {
            assertEquals(0, thick.run(readCapacity16(32), 32).data()[14] & 0xc0);
        }
    }

    @Test
    void syncCacheFlushesAndChecksTheRange() {
        try (ScsiHarness h = new ScsiHarness(512, 100)) {
            h.run(0, rw10(0x35, 0, 0, 0), 0, false, false, null).assertGood();
            h.run(0, rw16(0x91, 0x02, 99, 1), 0, false, false, null).assertGood();
            assertEquals(2, h.storage.flushes);
            h.run(0, rw10(0x35, 0, 99, 2), 0, false, false, null).assertLbaOutOfRange();
            h.run(0, rw16(0x91, 0, 101, 0), 0, false, false, null).assertLbaOutOfRange();
            assertEquals(2, h.storage.flushes);
        }
    }

    @Test
    void preFetchChecksTheRange() {
        try (ScsiHarness h = new ScsiHarness(512, 100)) {
            h.run(0, rw10(0x34, 0, 0, 100), 0, false, false, null).assertGood();
            h.run(0, rw16(0x90, 0, 100, 0), 0, false, false, null).assertGood();
            h.run(0, rw16(0x90, 0, 100, 1), 0, false, false, null).assertLbaOutOfRange();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void verifyComparesAndReportsTheFirstMismatch(int bs) {
        try (ScsiHarness h = new ScsiHarness(bs, 64)) {
            byte[] data = pattern(2 * bs, 5);
            h.write(rw10(0x2a, 0, 4, 2), data).assertGood();
            h.write(rw10(0x2f, 0x02, 4, 2), data).assertGood();
            h.write(rw12(0xaf, 0x02, 4, 2), data).assertGood();
            h.write(rw16(0x8f, 0x02, 4, 2), data).assertGood();
            data[bs + 17] ^= 1;
            Result r = h.write(rw10(0x2f, 0x02, 4, 2), data)
                    .assertCheck(SenseKey.MISCOMPARE, AdditionalSense.MISCOMPARE_DURING_VERIFY_OPERATION);
            assertEquals(0x80, r.sense()[0] & 0x80, "INFORMATION valid");
            assertEquals(bs + 17, Cdb.u32(r.sense(), 3));
            // BYTCHK 0 only checks the range
            h.run(0, rw10(0x2f, 0, 4, 2), 0, false, false, null).assertGood();
            h.run(0, rw10(0x2f, 0, 63, 2), 0, false, false, null).assertLbaOutOfRange();
            h.run(0, rw10(0x2f, 0x20, 0, 1), 0, false, false, null).assertInvalidField(1);
            h.run(0, rw10(0x2f, 0x04, 0, 1), 0, false, false, null).assertInvalidField(1);
        }
    }

    @Test
    void verifyOneBlockAgainstEveryBlock() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            byte[] block = pattern(512, 1);
            h.write(rw10(0x41, 0, 0, 8), block).assertGood();
            h.write(rw10(0x2f, 0x06, 0, 8), block).assertGood();
            h.storage.fill(5, 1, (byte) 0);
            Result r = h.write(rw10(0x2f, 0x06, 0, 8), block)
                    .assertCheck(SenseKey.MISCOMPARE, AdditionalSense.MISCOMPARE_DURING_VERIFY_OPERATION);
            assertEquals(5 * 512, Cdb.u32(r.sense(), 3), "byte 0 of block 5 (pattern byte 0 is 1, the block now 0)");
        }
    }

    @Test
    void startStopUnit() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            h.run(0, cdb(0x1b, 0, 0, 0, 0x01, 0), 0, false, false, null).assertGood();
            h.run(0, cdb(0x1b, 0, 0, 0, 0x00, 0), 0, false, false, null).assertGood();
            h.run(0, cdb(0x1b, 0, 0, 0, 0x02, 0), 0, false, false, null).assertInvalidField(4); // eject
            h.run(0, cdb(0x1b, 0, 0, 0, 0x32, 0), 0, false, false, null).assertGood(); // PC set: LOEJ ignored
        }
    }
}
