package net.twinblock.iscsi.scsi;

import static net.twinblock.iscsi.scsi.ScsiHarness.rw10;
import static net.twinblock.iscsi.scsi.ScsiHarness.rw16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class OrWriteTest {

    private static final long BLOCKS = 64;

    private static byte[] orwrite(int flags, long lba, long blocks) {
        return rw16(0x8b, flags, lba, blocks);
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void orsTheDataIntoTheBlocks(int bs) {
        try (ScsiHarness h = new ScsiHarness(bs, BLOCKS)) {
            h.write(rw10(0x2a, 0, 10, 3), filled(3 * bs, 0x0f)).assertGood();
            h.write(orwrite(0, 10, 3), filled(3 * bs, 0xa0)).assertGood();
            assertArrayEquals(filled(3 * bs, 0xaf), h.storage.contents(10, 3));
            h.write(orwrite(0x08, 10, 3), filled(3 * bs, 0x50)).assertGood();
            assertArrayEquals(filled(3 * bs, 0xff), h.storage.contents(10, 3));
            assertTrue(h.storage.writes.get(h.storage.writes.size() - 1).fua(), "FUA reaches the storage");
            h.write(orwrite(0x10, BLOCKS - 1, 1), filled(bs, 0x01)).assertGood(); // DPO: a hint
            assertArrayEquals(filled(bs, 0x01), h.storage.contents(BLOCKS - 1, 1), "the last block");
        }
    }

    @Test
    void zeroBlocksIsANoOp() {
        try (ScsiHarness h = new ScsiHarness(512, BLOCKS)) {
            h.run(0, orwrite(0, 5, 0), 0, false, false, null).assertGood();
            assertTrue(h.storage.writes.isEmpty());
        }
    }

    @Test
    void protectionRangeAndLengthAreCheckedBeforeAnythingIsRead() {
        try (ScsiHarness h = new ScsiHarness(512, BLOCKS)) {
            h.write(orwrite(0x20, 0, 1), new byte[512]).assertInvalidField(1);            // ORPROTECT
            h.write(orwrite(0, BLOCKS, 1), new byte[512]).assertLbaOutOfRange();
            h.write(orwrite(0, BLOCKS - 1, 2), new byte[1024]).assertLbaOutOfRange();
            h.write(orwrite(0, -1L, 1), new byte[512]).assertLbaOutOfRange();
            h.write(orwrite(0, 1L << 63, 1), new byte[512]).assertLbaOutOfRange();
            assertTrue(h.storage.writes.isEmpty());
        }
        long max = new BlockLimits(512).maxTransferBlocks();
        try (ScsiHarness h = new ScsiHarness(512, max + 8)) {
            h.run(0, orwrite(0, 0, max + 1), 512, false, true, new byte[512]).assertInvalidField(10);
        }
    }

    @Test
    void theWholeTransferOrNothing() {
        try (ScsiHarness h = new ScsiHarness(512, BLOCKS)) {
            h.write(rw10(0x2a, 0, 0, 2), filled(1024, 0x11)).assertGood();
            int before = h.storage.writes.size();
            ScsiHarness.Result shortEdtl = h.write(orwrite(0, 0, 2), filled(512, 0x22))
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT);
            assertTrue(shortEdtl.overflow());
            h.write(orwrite(0, 0, 1), filled(1024, 0x22))
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT);
            assertEquals(before, h.storage.writes.size(), "nothing written");
            assertArrayEquals(filled(1024, 0x11), h.storage.contents(0, 2));
        }
    }

    @Test
    void noWriteLandsBetweenTheReadAndTheWrite() throws Exception {
        try (ScsiHarness h = new ScsiHarness(512, BLOCKS)) {
            // The storage runs one call at a time on its thread: hold that thread, then queue a
            // write, an ORWRITE and a second write to one block. Without the gate the ORWRITE's
            // read, the second write and the ORWRITE's write would interleave and the OR would
            // overwrite the second write; with it each one waits for the one before.
            CountDownLatch hold = new CountDownLatch(1);
            Future<?> blocker = h.io.submit(() -> {
                hold.await();
                return null;
            });
            ScsiHarness.Pending first = h.start(rw10(0x2a, 0, 7, 1), filled(512, 0x01));
            ScsiHarness.Pending or = h.start(orwrite(0, 7, 1), filled(512, 0x10));
            ScsiHarness.Pending second = h.start(rw10(0x2a, 0, 7, 1), filled(512, 0x02));
            hold.countDown();
            blocker.get();
            first.finish().assertGood();
            or.finish().assertGood();
            second.finish().assertGood();
            assertArrayEquals(filled(512, 0x02), h.storage.contents(7, 1), "the second write came last");
            assertEquals(3, h.storage.writes.size());
        }
    }

    @Test
    void notOfferedWhereThePeerAlsoTakesWrites() {
        try (ScsiHarness h = new ScsiHarness(512, BLOCKS, true, ScsiHarness.peerGroup())) {
            h.write(orwrite(0, 0, 1), new byte[512])
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_COMMAND_OPERATION_CODE);
            byte[] one = h.run(ScsiHarness.cdb(0xa3, 0x0c, 1, 0x8b, 0, 0, 0, 0, 2, 0, 0, 0), 512).assertGood().data();
            assertEquals(1, one[1] & 7, "reported as not supported");
            assertTrue(h.storage.writes.isEmpty());
        }
        try (ScsiHarness standalone = new ScsiHarness(512, BLOCKS)) {
            byte[] one = standalone.run(ScsiHarness.cdb(0xa3, 0x0c, 1, 0x8b, 0, 0, 0, 0, 2, 0, 0, 0), 512)
                    .assertGood().data();
            assertEquals(3, one[1] & 7);
            assertEquals(0xf8, one[5] & 0xff, "ORPROTECT, DPO and FUA are looked at");
        }
    }
}
