package net.twinblock.iscsi.scsi;

import static net.twinblock.iscsi.scsi.ScsiHarness.NEXUS;
import static net.twinblock.iscsi.scsi.ScsiHarness.cdb;
import static net.twinblock.iscsi.scsi.ScsiHarness.inquiry;
import static net.twinblock.iscsi.scsi.ScsiHarness.rw10;
import static org.junit.jupiter.api.Assertions.assertEquals;

import net.twinblock.iscsi.lun.AluaState;
import org.junit.jupiter.api.Test;

class UnitAttentionTest {

    private static final byte[] TUR = cdb(0, 0, 0, 0, 0, 0);
    private static final Nexus OTHER = new Nexus("iqn.2026-11.test:other", 1, 1);

    private static ScsiHarness.Result tur(ScsiHarness h, Nexus n) {
        return h.run(n, 0, TUR, 0, false, false, null);
    }

    @Test
    void newNexusSeesPowerOnOnceThenCommandsProceed() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            h.dispatcher.nexusAdded(NEXUS);
            // INQUIRY and REPORT LUNS neither report nor clear it
            h.run(inquiry(false, 0, 36), 36).assertGood();
            tur(h, NEXUS).assertCheck(SenseKey.UNIT_ATTENTION, AdditionalSense.POWER_ON_RESET_OR_BUS_DEVICE_RESET_OCCURRED);
            tur(h, NEXUS).assertGood();
            h.run(rw10(0x28, 0, 0, 1), 512).assertGood();
        }
    }

    @Test
    void unitAttentionBlocksWritesWithoutWriting() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            h.dispatcher.nexusAdded(NEXUS);
            h.write(rw10(0x2a, 0, 0, 1), new byte[512])
                    .assertCheck(SenseKey.UNIT_ATTENTION, AdditionalSense.POWER_ON_RESET_OR_BUS_DEVICE_RESET_OCCURRED);
            assertEquals(0, h.storage.writes.size());
        }
    }

    @Test
    void requestSenseReportsAndClearsThePendingUnitAttention() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            h.dispatcher.nexusAdded(NEXUS);
            byte[] s = h.run(cdb(0x03, 0, 0, 0, 252, 0), 252).assertGood().data();
            assertEquals(18, s.length);
            assertEquals(0x70, s[0]);
            assertEquals(SenseKey.UNIT_ATTENTION.code(), s[2] & 0x0f);
            assertEquals(0x29, s[12]);
            byte[] none = h.run(cdb(0x03, 0, 0, 0, 252, 0), 252).assertGood().data();
            assertEquals(SenseKey.NO_SENSE.code(), none[2] & 0x0f);
            assertEquals(0, none[12]);
            tur(h, NEXUS).assertGood();
        }
    }

    @Test
    void requestSenseDescriptorFormatAndUnknownLun() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            byte[] d = h.run(cdb(0x03, 1, 0, 0, 252, 0), 252).assertGood().data();
            assertEquals(0x72, d[0]);
            assertEquals(8, d.length);
            byte[] unknown = h.run(9, cdb(0x03, 0, 0, 0, 18, 0), 18, true, false, null).assertGood().data();
            assertEquals(SenseKey.ILLEGAL_REQUEST.code(), unknown[2] & 0x0f);
            assertEquals(0x25, unknown[12]);
        }
    }

    @Test
    void lunResetReachesEveryNexusAndSupersedesPowerOn() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            h.dispatcher.nexusAdded(NEXUS);
            h.dispatcher.nexusAdded(OTHER);
            tur(h, OTHER).assertCheck(SenseKey.UNIT_ATTENTION, AdditionalSense.POWER_ON_RESET_OR_BUS_DEVICE_RESET_OCCURRED);
            h.dispatcher.lunReset(0, OTHER);
            tur(h, NEXUS).assertCheck(SenseKey.UNIT_ATTENTION, AdditionalSense.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
            tur(h, NEXUS).assertGood();
            tur(h, OTHER).assertCheck(SenseKey.UNIT_ATTENTION, AdditionalSense.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
            tur(h, OTHER).assertGood();
            h.dispatcher.targetReset(NEXUS);
            tur(h, NEXUS).assertCheck(SenseKey.UNIT_ATTENTION, AdditionalSense.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
        }
    }

    @Test
    void postedConditionsQueueAndRemovedNexusForgets() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            h.dispatcher.nexusAdded(NEXUS);
            h.dispatcher.postUnitAttention(0, AdditionalSense.CAPACITY_DATA_HAS_CHANGED);
            h.dispatcher.postUnitAttention(0, AdditionalSense.CAPACITY_DATA_HAS_CHANGED);
            tur(h, NEXUS).assertCheck(SenseKey.UNIT_ATTENTION, AdditionalSense.POWER_ON_RESET_OR_BUS_DEVICE_RESET_OCCURRED);
            tur(h, NEXUS).assertCheck(SenseKey.UNIT_ATTENTION, AdditionalSense.CAPACITY_DATA_HAS_CHANGED);
            tur(h, NEXUS).assertGood();
            h.dispatcher.postUnitAttention(0, AdditionalSense.ASYMMETRIC_ACCESS_STATE_CHANGED);
            h.dispatcher.nexusRemoved(NEXUS);
            tur(h, NEXUS).assertGood();
        }
    }

    @Test
    void aluaStatesDenyMediumAccessButNotInquiry() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            h.state = AluaState.STANDBY;
            tur(h, NEXUS).assertCheck(SenseKey.NOT_READY, AdditionalSense.TARGET_PORT_IN_STANDBY_STATE);
            h.run(rw10(0x28, 0, 0, 1), 512).assertCheck(SenseKey.NOT_READY, AdditionalSense.TARGET_PORT_IN_STANDBY_STATE);
            h.run(inquiry(false, 0, 36), 36).assertGood();
            h.run(cdb(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0), 8).assertGood();
            h.state = AluaState.UNAVAILABLE;
            h.write(rw10(0x2a, 0, 0, 1), new byte[512])
                    .assertCheck(SenseKey.NOT_READY, AdditionalSense.TARGET_PORT_IN_UNAVAILABLE_STATE);
            h.state = AluaState.TRANSITIONING;
            tur(h, NEXUS).assertCheck(SenseKey.NOT_READY, AdditionalSense.ASYMMETRIC_ACCESS_STATE_TRANSITION);
            h.state = AluaState.ACTIVE_NON_OPTIMIZED;
            tur(h, NEXUS).assertGood();
            assertEquals(0, h.storage.writes.size());
        }
    }
}
