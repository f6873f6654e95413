package net.twinblock.iscsi.scsi;

import static net.twinblock.iscsi.scsi.ScsiHarness.NEXUS;
import static net.twinblock.iscsi.scsi.ScsiHarness.cdb;
import static net.twinblock.iscsi.scsi.ScsiHarness.rw10;
import static net.twinblock.iscsi.scsi.ScsiHarness.rw16;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ModeSelectHandlerTest {

    private static final Nexus OTHER = new Nexus("iqn.2026-11.test:other", 7, 1);

    /** The current control page as MODE SENSE (6) returns it, without block descriptor. */
    static byte[] controlPage(ScsiHarness h, int pageControl) {
        byte[] d = h.run(cdb(0x1a, 0x08, pageControl << 6 | 0x0a, 0, 255, 0), 255).assertGood().data();
        return Arrays.copyOfRange(d, 4, d.length);
    }

    static ScsiHarness.Result select6(ScsiHarness h, Nexus n, int flags, byte[] pages) {
        byte[] list = new byte[4 + pages.length];
        System.arraycopy(pages, 0, list, 4, pages.length);
        return h.run(n, 0, cdb(0x15, flags, 0, 0, list.length, 0), list.length, false, true, list);
    }

    @Test
    void softwareWriteProtectBlocksEveryWriteUntilCleared() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            assertEquals(ModePage.SWP, controlPage(h, 1)[4], "SWP is reported changeable");
            byte[] control = controlPage(h, 0);
            control[4] |= ModePage.SWP;
            select6(h, NEXUS, 0x10, control).assertGood();

            byte[] header = h.run(cdb(0x1a, 0x08, 0x0a, 0, 255, 0), 255).assertGood().data();
            assertEquals(0x80, header[2] & 0x80, "WP in the device-specific parameter");
            h.write(rw10(0x2a, 0, 0, 1), new byte[512])
                    .assertCheck(SenseKey.DATA_PROTECT, AdditionalSense.LOGICAL_UNIT_SOFTWARE_WRITE_PROTECTED);
            h.write(rw16(0x93, 0x08, 0, 1), new byte[512])
                    .assertCheck(SenseKey.DATA_PROTECT, AdditionalSense.LOGICAL_UNIT_SOFTWARE_WRITE_PROTECTED);
            h.run(rw10(0x28, 0, 0, 1), 512).assertGood();
            assertTrue(h.storage.writes.isEmpty() && h.storage.unmaps.isEmpty());

            control[4] &= ~ModePage.SWP;
            select6(h, NEXUS, 0x10, control).assertGood();
            h.write(rw10(0x2a, 0, 0, 1), new byte[512]).assertGood();
        }
    }

    @Test
    void otherNexusesAreToldParametersChanged() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            h.dispatcher.nexusAdded(NEXUS);
            h.dispatcher.nexusAdded(OTHER);
            byte[] tur = cdb(0, 0, 0, 0, 0, 0);
            h.run(NEXUS, 0, tur, 0, false, false, null);
            h.run(OTHER, 0, tur, 0, false, false, null);
            byte[] control = controlPage(h, 0);
            control[4] |= ModePage.SWP;
            select6(h, NEXUS, 0x10, control).assertGood();
            h.run(NEXUS, 0, tur, 0, false, false, null).assertGood();
            h.run(OTHER, 0, tur, 0, false, false, null)
                    .assertCheck(SenseKey.UNIT_ATTENTION, AdditionalSense.MODE_PARAMETERS_CHANGED);
            // selecting the same values again changes nothing and raises nothing
            select6(h, NEXUS, 0x10, control).assertGood();
            h.run(OTHER, 0, tur, 0, false, false, null).assertGood();
        }
    }

    @Test
    void onlyChangeableBitsMayDifferAndNothingIsAppliedOnError() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            byte[] control = controlPage(h, 0);
            control[4] |= ModePage.SWP;
            control[2] |= 0x04; // D_SENSE is not changeable
            ScsiHarness.Result r = select6(h, NEXUS, 0x10, control)
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_PARAMETER_LIST);
            assertEquals(4 + 2, Cdb.u16(r.sense(), 16), "points at control page byte 2");
            h.write(rw10(0x2a, 0, 0, 1), new byte[512]).assertGood(); // SWP was not applied

            byte[] caching = h.run(cdb(0x1a, 0x08, 0x08, 0, 255, 0), 255).data();
            byte[] page = Arrays.copyOfRange(caching, 4, caching.length);
            page[2] = 0; // WCE off: not changeable
            select6(h, NEXUS, 0x10, page)
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_PARAMETER_LIST);
            select6(h, NEXUS, 0x10, new byte[] {0x19, 0x02, 0, 0})
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_PARAMETER_LIST);
        }
    }

    @Test
    void cdbChecks() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            byte[] control = controlPage(h, 0);
            select6(h, NEXUS, 0x11, control).assertInvalidField(1); // SP
            select6(h, NEXUS, 0x00, control).assertInvalidField(1); // PF=0
            h.run(0, cdb(0x15, 0x10, 0, 0, 0, 0), 0, false, false, null).assertGood();
            h.write(cdb(0x15, 0x10, 0, 0, 2, 0), new byte[2])
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.PARAMETER_LIST_LENGTH_ERROR);
        }
    }

    @Test
    void modeSelect10WithMatchingBlockDescriptor() {
        try (ScsiHarness h = new ScsiHarness(4096, 64)) {
            byte[] control = controlPage(h, 0);
            control[4] |= ModePage.SWP;
            byte[] list = new byte[8 + 8 + control.length];
            Cdb.putShort(list, 6, 8);
            Cdb.putInt(list, 8, 64);
            Cdb.putInt(list, 12, 4096);
            System.arraycopy(control, 0, list, 16, control.length);
            h.write(cdb(0x55, 0x10, 0, 0, 0, 0, 0, 0, list.length, 0), list).assertGood();
            assertEquals(ModePage.SWP, controlPage(h, 0)[4] & ModePage.SWP);
            Cdb.putInt(list, 12, 512); // another block size: we cannot reformat
            h.write(cdb(0x55, 0x10, 0, 0, 0, 0, 0, 0, list.length, 0), list)
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_PARAMETER_LIST);
        }
    }
}
