package net.twinblock.iscsi.scsi;

import static net.twinblock.iscsi.scsi.ScsiHarness.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.lun.PortGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompareAndWriteTest {

    private static byte[] caw(int flags, long lba, int blocks) {
        byte[] c = new byte[16];
        c[0] = (byte) 0x89;
        c[1] = (byte) flags;
        Cdb.putLong(c, 2, lba);
        c[13] = (byte) blocks;
        return c;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void writesOnlyWhenTheBlockMatches(int bs) {
        try (ScsiHarness h = new ScsiHarness(bs, 16)) {
            byte[] old = pattern(bs, 1);
            byte[] next = pattern(bs, 2);
            h.storage.fill(3, 1, (byte) 0);
            h.write(ScsiHarness.rw10(0x2a, 0, 3, 1), old).assertGood();
            h.write(caw(0x08, 3, 1), concat(old, next)).assertGood();
            assertArrayEquals(next, h.storage.contents(3, 1));
            assertTrue(h.storage.writes.get(h.storage.writes.size() - 1).fua());

            ScsiHarness.Result r = h.write(caw(0, 3, 1), concat(old, pattern(bs, 3)))
                    .assertCheck(SenseKey.MISCOMPARE, AdditionalSense.MISCOMPARE_DURING_VERIFY_OPERATION);
            assertEquals(0, Cdb.u32(r.sense(), 3), "first differing byte");
            assertArrayEquals(next, h.storage.contents(3, 1), "a miscompare writes nothing");
        }
    }

    @Test
    void checksLengthRangeAndDataOut() {
        try (ScsiHarness h = new ScsiHarness(512, 16)) {
            h.write(caw(0, 0, 2), new byte[2048]).assertInvalidField(13);
            h.write(caw(0, 16, 1), new byte[1024]).assertLbaOutOfRange();
            h.write(caw(0x20, 0, 1), new byte[1024]).assertInvalidField(1);
            h.write(caw(0, 0, 1), new byte[512])
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT);
            h.run(0, caw(0, 0, 0), 0, false, false, null).assertGood();
            h.write(caw(0, 0, 0), new byte[256 * 1024]).assertInvalidField(13); // 256 wrapped to 0
            assertTrue(h.storage.writes.isEmpty());
        }
    }

    @Test
    void notOfferedWhenAPeerAlsoTakesWrites() {
        PortGroup peer = ScsiHarness.peerGroup();
        try (ScsiHarness h = new ScsiHarness(512, 16, true, peer)) {
            h.write(caw(0, 0, 1), new byte[1024])
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_COMMAND_OPERATION_CODE);
            byte[] b0 = h.run(ScsiHarness.inquiry(true, 0xb0, 64), 64).assertGood().data();
            assertEquals(0, b0[5], "MAXIMUM COMPARE AND WRITE LENGTH");
            byte[] one = h.run(ScsiHarness.cdb(0xa3, 0x0c, 1, 0x89, 0, 0, 0, 0, 2, 0, 0, 0), 512).assertGood().data();
            assertEquals(1, one[1] & 7, "reported as not supported");
        }
        try (ScsiHarness standalone = new ScsiHarness(512, 16)) {
            byte[] b0 = standalone.run(ScsiHarness.inquiry(true, 0xb0, 64), 64).assertGood().data();
            assertEquals(1, b0[5]);
        }
    }

    @Test
    void gateHoldsWritesBackWhileCompareAndWriteRuns() {
        WriteGate gate = new WriteGate();
        assertTrue(gate.acquireShared().isDone());
        CompletableFuture<Void> caw = gate.acquireExclusive();
        assertFalse(caw.isDone(), "waits for the write in flight");
        CompletableFuture<Void> laterWrite = gate.acquireShared();
        assertFalse(laterWrite.isDone(), "new writes queue behind a waiting COMPARE AND WRITE");
        gate.releaseShared();
        assertTrue(caw.isDone());
        assertFalse(laterWrite.isDone());
        CompletableFuture<Void> secondCaw = gate.acquireExclusive();
        gate.releaseExclusive();
        assertTrue(secondCaw.isDone(), "handed straight to the next COMPARE AND WRITE");
        assertFalse(laterWrite.isDone());
        gate.releaseExclusive();
        assertTrue(laterWrite.isDone());
        gate.releaseShared();
        assertTrue(gate.acquireExclusive().isDone());
    }
}
