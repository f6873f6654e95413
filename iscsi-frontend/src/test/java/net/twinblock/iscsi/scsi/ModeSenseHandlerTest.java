package net.twinblock.iscsi.scsi;

import static net.twinblock.iscsi.scsi.ScsiHarness.cdb;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.twinblock.iscsi.scsi.ScsiHarness.Result;
import org.junit.jupiter.api.Test;

class ModeSenseHandlerTest {

    private static byte[] modeSense6(int dbd, int pc, int page, int subpage, int alloc) {
        return cdb(0x1a, dbd << 3, pc << 6 | page, subpage, alloc, 0);
    }

    @Test
    void allPagesWithBlockDescriptor() {
        try (ScsiHarness h = new ScsiHarness(4096, 1000)) {
            byte[] d = h.run(modeSense6(0, 0, 0x3f, 0, 255), 255).assertGood().data();
            assertEquals(d.length - 1, d[0] & 0xff, "mode data length");
            assertEquals(0x10, d[2] & 0x90, "DPOFUA set, not write protected");
            assertEquals(8, d[3], "one short block descriptor");
            assertEquals(1000, Cdb.u32(d, 4));
            assertEquals(4096, Cdb.u24(d, 9));
            int p = 12;
            assertEquals(0x08, d[p]);
            assertEquals(0x12, d[p + 1]);
            assertEquals(0x04, d[p + 2] & 0x04, "WCE: writes are volatile until FUA/SYNC");
            p += 20;
            assertEquals(0x0a, d[p]);
            assertEquals(0x0a, d[p + 1]);
            assertEquals(0, d[p + 2] & 0x04, "D_SENSE 0");
            assertEquals(d.length, p + 12);
        }
    }

    @Test
    void singlePageWithoutDescriptorAndTruncation() {
        try (ScsiHarness h = new ScsiHarness(512, 1000)) {
            byte[] d = h.run(modeSense6(1, 0, 0x08, 0, 255), 255).assertGood().data();
            assertEquals(4 + 20, d.length);
            assertEquals(0, d[3]);
            assertEquals(0x08, d[4]);
            Result four = h.run(modeSense6(0, 0, 0x3f, 0, 4), 4).assertGood();
            assertEquals(4, four.data().length);
            assertFalse(four.overflow());
            Result more = h.run(modeSense6(0, 0, 0x3f, 0, 255), 255);
            assertTrue(more.underflow());
        }
    }

    @Test
    void changeableValuesAreAllZeroAndSavedIsRefused() {
        try (ScsiHarness h = new ScsiHarness(512, 1000)) {
            byte[] d = h.run(modeSense6(1, 1, 0x08, 0, 255), 255).assertGood().data();
            assertArrayEquals(new byte[18], Arrays.copyOfRange(d, 6, 24));
            byte[] def = h.run(modeSense6(1, 2, 0x08, 0, 255), 255).assertGood().data();
            assertEquals(0x04, def[6] & 0x04);
            h.run(modeSense6(0, 3, 0x3f, 0, 255), 255)
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.SAVING_PARAMETERS_NOT_SUPPORTED);
        }
    }

    @Test
    void unknownPageOrSubpageIsInvalidField() {
        try (ScsiHarness h = new ScsiHarness(512, 1000)) {
            h.run(modeSense6(0, 0, 0x19, 0, 255), 255).assertInvalidField(2);
            h.run(modeSense6(0, 0, 0x08, 0x01, 255), 255).assertInvalidField(3);
            h.run(modeSense6(0, 0, 0x3f, 0xff, 255), 255).assertGood();
        }
    }

    @Test
    void modeSense10WithLongLbaDescriptor() {
        try (ScsiHarness h = new ScsiHarness(512, 1000)) {
            byte[] d = h.run(cdb(0x5a, 0x10, 0x0a, 0, 0, 0, 0, 1, 0, 0), 256).assertGood().data();
            assertEquals(d.length - 2, Cdb.u16(d, 0));
            assertEquals(1, d[4] & 1, "LONGLBA");
            assertEquals(16, Cdb.u16(d, 6));
            assertEquals(1000, Cdb.u64(d, 8));
            assertEquals(512, Cdb.u32(d, 20));
            assertEquals(0x0a, d[24]);
            byte[] shortD = h.run(cdb(0x5a, 0, 0x0a, 0, 0, 0, 0, 1, 0, 0), 256).assertGood().data();
            assertEquals(8, Cdb.u16(shortD, 6));
        }
    }
}
