package net.twinblock.iscsi.scsi;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any CDB a host sends, with any transfer length and Data-Out, ends in a SCSI status (GOOD, or
 * CHECK CONDITION with sense data, ...), never an exception or a hang, and its Data-Out is
 * released exactly once ({@link ScsiHarness} checks both). Seeds in {@code CdbFuzzTestInputs}.
 */
class CdbFuzzTest {

    /** One LU of 1 MiB for every input: state carries over, as on a real target. */
    private static final ScsiHarness HARNESS = new ScsiHarness(512, 2048);

    @FuzzTest(maxDuration = "5s")
    void anyCdbEndsInAStatus(FuzzedDataProvider in) {
        boolean write = in.consumeBoolean();
        int edtl = in.consumeInt(0, 16384);
        byte[] cdb = in.consumeBytes(16);
        byte[] dataOut = write ? in.consumeBytes(edtl) : null;
        ScsiHarness.Result r = HARNESS.run(ScsiHarness.NEXUS, 0, cdb, write ? dataOut.length : edtl, !write, write,
                dataOut);
        assertNotNull(r.status());
        if (r.status() == ScsiStatus.CHECK_CONDITION) {
            assertTrue(r.sense() != null && r.sense().length >= 8, "CHECK CONDITION without sense data");
        }
    }
}
