package net.twinblock.iscsi.scsi;

import static net.twinblock.iscsi.scsi.ScsiHarness.pattern;
import static net.twinblock.iscsi.scsi.ScsiHarness.rw10;
import static net.twinblock.iscsi.scsi.ScsiHarness.rw12;
import static net.twinblock.iscsi.scsi.ScsiHarness.rw16;
import static net.twinblock.iscsi.scsi.ScsiHarness.rw6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.twinblock.iscsi.scsi.ScsiHarness.Result;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReadWriteHandlerTest {

    private static final long BLOCKS = 1024;

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void everyWriteSizeReadsBackWhatWasWritten(int bs) {
        try (ScsiHarness h = new ScsiHarness(bs, BLOCKS)) {
            byte[] a = pattern(2 * bs, 1);
            h.write(rw6(0x0a, 10, 2), a).assertGood();
            assertArrayEquals(a, h.run(rw6(0x08, 10, 2), 2 * bs).assertGood().data());

            byte[] b = pattern(3 * bs, 2);
            h.write(rw10(0x2a, 0, 20, 3), b).assertGood();
            assertArrayEquals(b, h.run(rw10(0x28, 0, 20, 3), 3 * bs).assertGood().data());

            byte[] c = pattern(bs, 3);
            h.write(rw12(0xaa, 0, 30, 1), c).assertGood();
            assertArrayEquals(c, h.run(rw12(0xa8, 0, 30, 1), bs).assertGood().data());

            byte[] d = pattern(4 * bs, 4);
            h.write(rw16(0x8a, 0, BLOCKS - 4, 4), d).assertGood();
            assertArrayEquals(d, h.run(rw16(0x88, 0, BLOCKS - 4, 4), 4 * bs).assertGood().data());
            assertArrayEquals(d, h.storage.contents(BLOCKS - 4, 4));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void read6And_write6WithLengthZeroMove256Blocks(int bs) {
        try (ScsiHarness h = new ScsiHarness(bs, BLOCKS)) {
            byte[] data = pattern(256 * bs, 7);
            h.write(rw6(0x0a, 100, 0), data).assertGood();
            assertArrayEquals(data, h.storage.contents(100, 256));
            Result r = h.run(rw6(0x08, 100, 0), 256 * bs).assertGood();
            assertArrayEquals(data, r.data());
            assertFalse(r.overflow() || r.underflow());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void fuaReachesTheStorageAndDpoIsAccepted(int bs) {
        try (ScsiHarness h = new ScsiHarness(bs, BLOCKS)) {
            h.write(rw10(0x2a, 0x08, 0, 1), pattern(bs, 0)).assertGood();
            h.write(rw16(0x8a, 0x10, 1, 1), pattern(bs, 0)).assertGood();
            h.write(rw10(0x2e, 0x02, 2, 1), pattern(bs, 0)).assertGood(); // WRITE AND VERIFY
            assertTrue(h.storage.writes.get(0).fua(), "FUA bit");
            assertFalse(h.storage.writes.get(1).fua(), "DPO alone is only a cache hint");
            assertTrue(h.storage.writes.get(2).fua(), "WRITE AND VERIFY must be on the medium");
            h.run(rw10(0x28, 0x18, 0, 1), bs).assertGood(); // READ with DPO+FUA
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void lastBlockIsInRangeAndOnePastIsNot(int bs) {
        try (ScsiHarness h = new ScsiHarness(bs, BLOCKS)) {
            h.run(rw10(0x28, 0, BLOCKS - 1, 1), bs).assertGood();
            h.run(rw10(0x28, 0, BLOCKS, 1), bs).assertLbaOutOfRange();
            h.run(rw10(0x28, 0, BLOCKS - 1, 2), 2 * bs).assertLbaOutOfRange();
            h.write(rw10(0x2a, 0, BLOCKS - 1, 2), new byte[2 * bs]).assertLbaOutOfRange();
            h.run(rw6(0x08, BLOCKS, 1), bs).assertLbaOutOfRange();
            h.run(rw12(0xa8, 0, 0xffffffffL, 1), bs).assertLbaOutOfRange();
            // LBA + length wrapping past 2^64 must not look like a small, valid range.
            h.run(rw16(0x88, 0, -1L, 1), bs).assertLbaOutOfRange();
            h.run(rw16(0x88, 0, 1, 0xffffffffL), bs).assertLbaOutOfRange();
            h.write(rw16(0x8a, 0, 0x8000000000000000L, 1), new byte[bs]).assertLbaOutOfRange();
            assertTrue(h.storage.writes.isEmpty());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0x28, 0xa8, 0x88, 0x2a, 0xaa, 0x8a, 0x2e})
    void protectionFieldsAreRefusedWithFieldPointer(int opcode) {
        try (ScsiHarness h = new ScsiHarness(512, BLOCKS)) {
            byte[] cdb = opcode == 0x28 || opcode == 0x2a || opcode == 0x2e ? rw10(opcode, 0x20, 0, 1)
                    : opcode == 0xa8 || opcode == 0xaa ? rw12(opcode, 0x20, 0, 1) : rw16(opcode, 0x20, 0, 1);
            boolean write = opcode == 0x2a || opcode == 0xaa || opcode == 0x8a || opcode == 0x2e;
            h.run(0, cdb, 512, !write, write, write ? new byte[512] : null).assertInvalidField(1);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void zeroBlocksIsGoodWithoutData(int bs) {
        try (ScsiHarness h = new ScsiHarness(bs, BLOCKS)) {
            Result r = h.run(rw10(0x28, 0, 0, 0), 0).assertGood();
            assertEquals(0, r.data().length);
            h.run(0, rw16(0x8a, 0, 5, 0), 0, false, true, null).assertGood();
            h.run(rw10(0x28, 0, BLOCKS, 0), 0).assertGood(); // LBA == capacity, 0 blocks: in range
            h.run(rw10(0x28, 0, BLOCKS + 1, 0), 0).assertLbaOutOfRange();
            assertTrue(h.storage.writes.isEmpty());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void readResidualsFollowTheEdtl(int bs) {
        try (ScsiHarness h = new ScsiHarness(bs, BLOCKS)) {
            h.storage.fill(0, 2, (byte) 0x5a);
            Result none = h.run(rw10(0x28, 0, 0, 1), 0).assertGood();
            assertTrue(none.overflow());
            assertEquals(bs, none.residual());
            assertEquals(0, none.data().length);

            Result more = h.run(rw10(0x28, 0, 0, 1), 10000).assertGood();
            assertTrue(more.underflow());
            assertEquals(10000 - bs, more.residual());
            assertEquals(bs, more.data().length);

            Result part = h.run(rw10(0x28, 0, 0, 1), 200).assertGood();
            assertTrue(part.overflow());
            assertEquals(bs - 200, part.residual());
            assertEquals(200, part.data().length);
            byte[] expected = new byte[200];
            Arrays.fill(expected, (byte) 0x5a);
            assertArrayEquals(expected, part.data());

            Result half = h.run(rw10(0x28, 0, 0, 2), bs).assertGood();
            assertTrue(half.overflow());
            assertEquals(bs, half.residual());
            assertEquals(bs, half.data().length);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void writeWithLargerEdtlWritesOnlyWhatTheCdbSays(int bs) {
        try (ScsiHarness h = new ScsiHarness(bs, BLOCKS)) {
            h.storage.fill(0, 2, (byte) 'a');
            byte[] out = new byte[2 * bs];
            Arrays.fill(out, (byte) 'b');
            Result r = h.run(0, rw10(0x2a, 0, 0, 1), 2 * bs, false, true, out).assertGood();
            assertTrue(r.underflow());
            assertEquals(bs, r.residual());
            byte[] block1 = h.storage.contents(1, 1);
            byte[] as = new byte[bs];
            Arrays.fill(as, (byte) 'a');
            assertArrayEquals(as, block1, "the block past the CDB's length is untouched");
            byte[] bs0 = new byte[bs];
            Arrays.fill(bs0, (byte) 'b');
            assertArrayEquals(bs0, h.storage.contents(0, 1));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void writeWithShortEdtlWritesTheWholeBlocksItCoversAndSaysOverflow(int bs) {
        try (ScsiHarness h = new ScsiHarness(bs, BLOCKS)) {
            h.storage.fill(0, 2, (byte) 'a');
            byte[] b = new byte[bs];
            Arrays.fill(b, (byte) 'b');
            Result r = h.run(0, rw10(0x2a, 0, 0, 2), bs, false, true, b).assertGood();
            assertTrue(r.overflow());
            assertEquals(bs, r.residual());
            assertArrayEquals(b, h.storage.contents(0, 1));
            byte[] a = new byte[bs];
            Arrays.fill(a, (byte) 'a');
            assertArrayEquals(a, h.storage.contents(1, 1), "nothing beyond the EDTL is written");

            Result none = h.run(0, rw10(0x2a, 0, 1, 1), 0, false, false, null).assertGood();
            assertTrue(none.overflow());
            assertEquals(bs, none.residual());
            assertArrayEquals(a, h.storage.contents(1, 1));
            assertEquals(1, h.storage.writes.size());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void writeWithEdtlEndingInsideABlockIsRefusedWhole(int bs) {
        try (ScsiHarness h = new ScsiHarness(bs, BLOCKS)) {
            Result r = h.run(0, rw10(0x2a, 0, 0, 1), 200, false, true, new byte[200])
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT);
            assertTrue(r.overflow());
            assertEquals(bs - 200, r.residual());
            assertTrue(h.storage.writes.isEmpty(), "nothing half written");
        }
    }

    @org.junit.jupiter.api.Test
    void readFlaggedAsWriteIsServedAsARead() {
        try (ScsiHarness h = new ScsiHarness(512, BLOCKS)) {
            h.storage.fill(0, 1, (byte) 7);
            Result r = h.run(0, rw10(0x28, 0, 0, 1), 512, false, true, new byte[512]).assertGood();
            assertEquals(7, r.data()[0]);
            assertTrue(h.storage.writes.isEmpty());
        }
    }

    @org.junit.jupiter.api.Test
    void transferAboveTheAdvertisedMaximumIsRefused() {
        try (ScsiHarness h = new ScsiHarness(512, 40000)) {
            long max = new BlockLimits(512).maxTransferBlocks();
            h.run(rw12(0xa8, 0, 0, max + 1), (int) ((max + 1) * 512)).assertInvalidField(6);
            h.run(rw12(0xa8, 0, 0, max), (int) (max * 512)).assertGood();
        }
    }
}
