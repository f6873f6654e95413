package net.twinblock.iscsi.scsi;

import static net.twinblock.iscsi.scsi.ScsiHarness.rw10;
import static org.junit.jupiter.api.Assertions.assertEquals;

import net.twinblock.iscsi.lun.StorageException;
import net.twinblock.iscsi.lun.StorageException.Kind;
import org.junit.jupiter.api.Test;

/** Storage failures become the sense data an initiator acts on; the future never fails. */
class StorageErrorTest {

    @Test
    void mediumErrorSaysReadOrWrite() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            h.storage.nextFailure = new StorageException(Kind.MEDIUM_ERROR, "bad sector");
            h.run(rw10(0x28, 0, 0, 1), 512).assertCheck(SenseKey.MEDIUM_ERROR, AdditionalSense.UNRECOVERED_READ_ERROR);
            h.storage.nextFailure = new StorageException(Kind.MEDIUM_ERROR, "bad sector");
            h.write(rw10(0x2a, 0, 0, 1), new byte[512])
                    .assertCheck(SenseKey.MEDIUM_ERROR, AdditionalSense.WRITE_ERROR);
        }
    }

    @Test
    void aFullFileSystemIsDataProtectSpaceAllocationFailed() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            h.storage.nextFailure = new StorageException(Kind.SPACE_EXHAUSTED, "No space left on device");
            h.write(rw10(0x2a, 0, 0, 1), new byte[512])
                    .assertCheck(SenseKey.DATA_PROTECT, AdditionalSense.SPACE_ALLOCATION_FAILED_WRITE_PROTECT);
            h.run(rw10(0x28, 0, 0, 1), 512).assertGood();
        }
    }

    @Test
    void notReadyKindsAreRetryable() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            h.storage.nextFailure = new StorageException(Kind.NOT_READY_RETRYABLE, "mirror suspended");
            h.write(rw10(0x2a, 0x08, 0, 1), new byte[512])
                    .assertCheck(SenseKey.NOT_READY, AdditionalSense.LOGICAL_UNIT_BECOMING_READY);
            h.storage.nextFailure = new StorageException(Kind.TRANSITIONING, "demoted");
            h.run(rw10(0x28, 0, 0, 1), 512)
                    .assertCheck(SenseKey.NOT_READY, AdditionalSense.ASYMMETRIC_ACCESS_STATE_TRANSITION);
            h.storage.nextFailure = new StorageException(Kind.INTERNAL, "bug");
            h.run(0, rw10(0x35, 0, 0, 0), 0, false, false, null)
                    .assertCheck(SenseKey.HARDWARE_ERROR, AdditionalSense.INTERNAL_TARGET_FAILURE);
            // and the next command is fine again
            h.run(rw10(0x28, 0, 0, 1), 512).assertGood();
            assertEquals(0, h.storage.writes.size());
        }
    }
}
