package net.twinblock.iscsi.scsi;

import static net.twinblock.iscsi.scsi.ScsiHarness.NEXUS;
import static net.twinblock.iscsi.scsi.ScsiHarness.pattern;
import static net.twinblock.iscsi.scsi.ScsiHarness.rw10;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import net.twinblock.iscsi.lun.StorageException;
import net.twinblock.iscsi.reservation.PrType;
import org.junit.jupiter.api.Test;

class ExtendedCopyTest {

    private static final int BS = 512;
    private static final long BLOCKS = 8192;
    private static final int HOLD = 0b00;
    private static final int NO_HOLD = 0b10;
    private static final int NO_LIST_ID = 0b11;

    // ---- parameter lists --------------------------------------------------------------

    /** An identification CSCD descriptor (0xE4) naming LU {@code lun} of the harness by its NAA. */
    static byte[] cscd(int lun) {
        byte[] d = new byte[32];
        d[0] = (byte) 0xe4;
        d[4] = 0x01;                // binary
        d[5] = 0x03;                // association LU, designator type NAA
        d[7] = 16;
        byte[] naa = ScsiHarness.NAA.clone();
        naa[15] += lun;
        System.arraycopy(naa, 0, d, 8, 16);
        d[30] = (byte) (BS >>> 8);  // DISK BLOCK LENGTH
        d[31] = (byte) BS;
        return d;
    }

    static byte[] segment(int source, int destination, int blocks, long sourceLba, long destinationLba) {
        byte[] d = new byte[28];
        d[0] = 0x02;
        Cdb.putShort(d, 2, 0x18);
        Cdb.putShort(d, 4, source);
        Cdb.putShort(d, 6, destination);
        Cdb.putShort(d, 10, blocks);
        Cdb.putLong(d, 12, sourceLba);
        Cdb.putLong(d, 20, destinationLba);
        return d;
    }

    static byte[] parameterList(int listId, int usage, List<byte[]> cscds, List<byte[]> segments) {
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        cscds.forEach(c::writeBytes);
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        segments.forEach(s::writeBytes);
        byte[] header = new byte[16];
        header[0] = (byte) listId;
        header[1] = (byte) (usage << 3);
        Cdb.putShort(header, 2, c.size());
        Cdb.putInt(header, 8, s.size());
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(header);
        all.writeBytes(c.toByteArray());
        all.writeBytes(s.toByteArray());
        return all.toByteArray();
    }

    static byte[] xcopyCdb(long parameterListLength) {
        byte[] c = new byte[16];
        c[0] = (byte) 0x83;
        Cdb.putInt(c, 10, (int) parameterListLength);
        return c;
    }

    static ScsiHarness.Result xcopy(ScsiHarness h, byte[] list) {
        return h.write(xcopyCdb(list.length), list);
    }

    static ScsiHarness.Result copyStatus(ScsiHarness h, Nexus n, int listId) {
        byte[] c = new byte[16];
        c[0] = (byte) 0x84;
        c[2] = (byte) listId;
        Cdb.putInt(c, 10, 512);
        return h.run(n, 0, c, 512, true, false, null);
    }

    /** The same one-segment copy from LU {@code from} to LU {@code to} with its two CSCDs. */
    static byte[] oneSegment(int listId, int usage, int from, int to, int blocks, long srcLba, long dstLba) {
        return parameterList(listId, usage, List.of(cscd(from), cscd(to)), List.of(segment(0, 1, blocks, srcLba, dstLba)));
    }

    private static void assertCopyAborted(ScsiHarness.Result r, AdditionalSense asc, int field) {
        r.assertCheck(SenseKey.COPY_ABORTED, asc);
        assertEquals(0x80, r.sense()[15] & 0xff, "SKSV, SD=0: the pointer counts from the start of the list");
        assertEquals(field, Cdb.u16(r.sense(), 16), "segment pointer");
    }

    private static void assertInParameterList(ScsiHarness.Result r, AdditionalSense asc, int field) {
        r.assertCheck(SenseKey.ILLEGAL_REQUEST, asc);
        assertEquals(0x80, r.sense()[15] & 0xc0, "SKSV, C/D=0: a field of the parameter list");
        assertEquals(field, Cdb.u16(r.sense(), 16), "field pointer");
    }

    private static void assertNothingWritten(ScsiHarness h) {
        for (int lun = 0; lun < h.lunCount(); lun++) {
            assertTrue(h.storage(lun).writes.isEmpty(), "LU " + lun + " untouched");
        }
    }

    // ---- copies -----------------------------------------------------------------------

    @Test
    void copiesARangeWithinALu() {
        try (ScsiHarness h = new ScsiHarness(BS, BLOCKS, 1)) {
            byte[] data = pattern(16 * BS, 4);
            h.write(rw10(0x2a, 0, 0, 16), data).assertGood();
            byte[] list = parameterList(1, HOLD, List.of(cscd(0)), List.of(segment(0, 0, 16, 0, BLOCKS - 16)));
            xcopy(h, list).assertGood();
            assertArrayEquals(data, h.storage.contents(BLOCKS - 16, 16));

            byte[] status = copyStatus(h, NEXUS, 1).assertGood().data();
            assertEquals(8, Cdb.u32(status, 0), "AVAILABLE DATA");
            assertEquals(CopyResults.COMPLETED, status[4], "completed without errors, no held data");
            assertEquals(1, Cdb.u16(status, 5), "segments processed");
            assertEquals(0, status[7], "transfer count in bytes");
            assertEquals(16 * BS, Cdb.u32(status, 8));
        }
    }

    @Test
    void copiesBetweenLusThroughTheDestinationsStorage() {
        try (ScsiHarness h = new ScsiHarness(BS, BLOCKS, 3)) {
            byte[] data = pattern(4096 * BS, 7); // 2 MiB: several chunks
            h.write(rw10(0x2a, 0, 100, 4096), data).assertGood();
            xcopy(h, oneSegment(2, NO_LIST_ID, 0, 2, 4096, 100, 8)).assertGood();
            assertArrayEquals(data, h.storage(2).contents(8, 4096));
            assertEquals(4096, h.storage(2).writes.stream().mapToLong(w -> w.blocks()).sum(),
                    "every block written through the destination's storage, as a host write is");
            assertTrue(h.storage(2).writes.stream().noneMatch(w -> w.fua()));
            assertTrue(h.storage(1).writes.isEmpty());
            copyStatus(h, NEXUS, 2).assertInvalidField(2); // no list identifier: nothing held
        }
    }

    @Test
    void segmentsRunInOrderAndNumberOfBlocksMayCountDestinationBlocks() {
        try (ScsiHarness h = new ScsiHarness(BS, BLOCKS, 2)) {
            h.write(rw10(0x2a, 0, 0, 4), pattern(4 * BS, 1)).assertGood();
            byte[] dc = segment(0, 1, 4, 0, 10);
            dc[1] = 0x02; // DC: the count is of destination blocks, the same size here
            byte[] back = segment(1, 0, 4, 10, 20);
            xcopy(h, parameterList(3, HOLD, List.of(cscd(0), cscd(1)), List.of(dc, back))).assertGood();
            assertArrayEquals(pattern(4 * BS, 1), h.storage.contents(20, 4), "the second segment read what the first wrote");
            assertEquals(2, Cdb.u16(copyStatus(h, NEXUS, 3).assertGood().data(), 5));
        }
    }

    @Test
    void anOverlappingCopyForwardInOneLuReadsEveryBlockBeforeOverwritingIt() {
        try (ScsiHarness h = new ScsiHarness(BS, BLOCKS, 1)) {
            byte[] data = pattern(5000 * BS, 9); // more than two chunks
            h.write(rw10(0x2a, 0, 0, 5000), data).assertGood();
            xcopy(h, parameterList(1, NO_HOLD, List.of(cscd(0)), List.of(segment(0, 0, 5000, 0, 300)))).assertGood();
            assertArrayEquals(data, h.storage.contents(300, 5000));
            xcopy(h, parameterList(1, NO_HOLD, List.of(cscd(0)), List.of(segment(0, 0, 5000, 300, 0)))).assertGood();
            assertArrayEquals(data, h.storage.contents(0, 5000), "and backwards onto itself");
        }
    }

    @Test
    void anEmptyParameterListCopiesNothing() {
        try (ScsiHarness h = new ScsiHarness(BS, BLOCKS, 1)) {
            h.run(0, xcopyCdb(0), 0, false, false, null).assertGood();
            assertNothingWritten(h);
        }
    }

    // ---- refusals, one per bad parameter list -------------------------------------------

    @Test
    void aListShorterThanItsHeaderOrItsLengthsIsAParameterListLengthError() {
        try (ScsiHarness h = new ScsiHarness(BS, BLOCKS, 1)) {
            byte[] list = oneSegment(1, HOLD, 0, 0, 16, 0, 100);
            h.write(xcopyCdb(8), Arrays.copyOf(list, 8))
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.PARAMETER_LIST_LENGTH_ERROR);
            h.write(xcopyCdb(list.length - 1), Arrays.copyOf(list, list.length - 1))
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.PARAMETER_LIST_LENGTH_ERROR);
            h.write(xcopyCdb(16 + 32 - 1), Arrays.copyOf(list, 16 + 32 - 1))
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.PARAMETER_LIST_LENGTH_ERROR);
            assertNothingWritten(h);
        }
    }

    @Test
    void descriptorListsLongerThanTheMaximumAreAParameterListLengthError() {
        try (ScsiHarness h = new ScsiHarness(BS, BLOCKS, 1)) {
            byte[] tooLong = new byte[16 + CopyLimits.MAX_DESCRIPTOR_LIST_LENGTH + 28];
            h.write(xcopyCdb(tooLong.length), tooLong)
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.PARAMETER_LIST_LENGTH_ERROR);
            byte[] list = new byte[16 + CopyLimits.MAX_DESCRIPTOR_LIST_LENGTH];
            Cdb.putInt(list, 8, CopyLimits.MAX_DESCRIPTOR_LIST_LENGTH + 4); // claims more than it may
            h.write(xcopyCdb(list.length), list)
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.PARAMETER_LIST_LENGTH_ERROR);
            assertNothingWritten(h);
        }
    }

    @Test
    void headerFieldsThisCopyManagerDoesNotDoAreInvalid() {
        try (ScsiHarness h = new ScsiHarness(BS, BLOCKS, 1)) {
            byte[] reservedUsage = oneSegment(1, 0b01, 0, 0, 16, 0, 100);
            assertInParameterList(xcopy(h, reservedUsage), AdditionalSense.INVALID_FIELD_IN_PARAMETER_LIST, 1);
            byte[] inline = Arrays.copyOf(oneSegment(1, HOLD, 0, 0, 16, 0, 100), 16 + 64 + 28 + 4);
            Cdb.putInt(inline, 12, 4);
            assertInParameterList(xcopy(h, inline), AdditionalSense.INVALID_FIELD_IN_PARAMETER_LIST, 12);
            byte[] oddCscds = oneSegment(1, HOLD, 0, 0, 16, 0, 100);
            Cdb.putShort(oddCscds, 2, 60);
            Cdb.putInt(oddCscds, 8, 32);
            assertInParameterList(xcopy(h, oddCscds), AdditionalSense.INVALID_FIELD_IN_PARAMETER_LIST, 2);
            assertNothingWritten(h);
        }
    }

    @Test
    void tooManyDescriptorsOfEitherKind() {
        try (ScsiHarness h = new ScsiHarness(BS, BLOCKS, 1)) {
            byte[][] cscds = new byte[CopyLimits.MAX_CSCD_DESCRIPTORS + 1][];
            Arrays.fill(cscds, cscd(0));
            assertInParameterList(xcopy(h, parameterList(1, HOLD, List.of(cscds), List.of(segment(0, 0, 1, 0, 9)))),
                    AdditionalSense.TOO_MANY_TARGET_DESCRIPTORS, 2);
            byte[][] segments = new byte[CopyLimits.MAX_SEGMENT_DESCRIPTORS + 1][];
            Arrays.fill(segments, segment(0, 0, 1, 0, 9));
            assertInParameterList(xcopy(h, parameterList(1, HOLD, List.of(cscd(0)), List.of(segments))),
                    AdditionalSense.TOO_MANY_SEGMENT_DESCRIPTORS, 8);
            assertNothingWritten(h);
        }
    }

    @Test
    void unsupportedDescriptorTypes() {
        try (ScsiHarness h = new ScsiHarness(BS, BLOCKS, 1)) {
            byte[] fibreChannel = cscd(0);
            fibreChannel[0] = (byte) 0xe0;
            assertInParameterList(xcopy(h, parameterList(1, HOLD, List.of(cscd(0), fibreChannel),
                    List.of(segment(0, 0, 1, 0, 9)))), AdditionalSense.UNSUPPORTED_TARGET_DESCRIPTOR_TYPE_CODE, 48);
            byte[] streamToStream = segment(0, 0, 1, 0, 9);
            streamToStream[0] = 0x03;
            assertInParameterList(xcopy(h, parameterList(1, HOLD, List.of(cscd(0)), List.of(streamToStream))),
                    AdditionalSense.UNSUPPORTED_SEGMENT_DESCRIPTOR_TYPE_CODE, 48);
            byte[] longer = segment(0, 0, 1, 0, 9);
            Cdb.putShort(longer, 2, 0x1c);
            assertInParameterList(xcopy(h, parameterList(1, HOLD, List.of(cscd(0)), List.of(longer))),
                    AdditionalSense.INVALID_FIELD_IN_PARAMETER_LIST, 50);
            assertNothingWritten(h);
        }
    }

    @Test
    void aCscdThatIsNoBlockDeviceOrHasAnotherBlockLengthIsInvalid() {
        try (ScsiHarness h = new ScsiHarness(BS, BLOCKS, 1)) {
            byte[] tape = cscd(0);
            tape[1] = 0x01;
            assertInParameterList(xcopy(h, parameterList(1, HOLD, List.of(tape), List.of(segment(0, 0, 1, 0, 9)))),
                    AdditionalSense.INVALID_FIELD_IN_PARAMETER_LIST, 17);
            byte[] blockLength = cscd(0);
            blockLength[30] = 0x10; // 4096
            blockLength[31] = 0;
            assertInParameterList(xcopy(h, parameterList(1, HOLD, List.of(blockLength), List.of(segment(0, 0, 1, 0, 9)))),
                    AdditionalSense.INVALID_FIELD_IN_PARAMETER_LIST, 16 + 29);
            assertNothingWritten(h);
        }
    }

    @Test
    void aSegmentLongerThanTheMaximumSegmentLengthIsInvalid() {
        try (ScsiHarness h = new ScsiHarness(BS, 65536 + 8, 1)) {
            int blocks = CopyLimits.MAX_SEGMENT_BYTES / BS + 1;
            assertInParameterList(xcopy(h, parameterList(1, HOLD, List.of(cscd(0)), List.of(segment(0, 0, blocks, 0, 0)))),
                    AdditionalSense.INVALID_FIELD_IN_PARAMETER_LIST, 48 + 10);
            xcopy(h, parameterList(1, HOLD, List.of(cscd(0)), List.of(segment(0, 0, blocks - 1, 0, blocks))))
                    .assertGood();
        }
    }

    @Test
    void aMissingOrForeignCopyTargetAbortsTheCopy() {
        try (ScsiHarness h = new ScsiHarness(BS, BLOCKS, 1)) {
            assertCopyAborted(xcopy(h, parameterList(1, HOLD, List.of(cscd(0)), List.of(segment(0, 1, 16, 0, 100)))),
                    AdditionalSense.COPY_TARGET_DEVICE_NOT_REACHABLE, 48 + 6);
            assertCopyAborted(xcopy(h, oneSegment(1, HOLD, 0, 5, 16, 0, 100)), // no LU 5 on this target
                    AdditionalSense.COPY_TARGET_DEVICE_NOT_REACHABLE, 48);
            byte[] t10VendorId = cscd(0);
            t10VendorId[5] = 0x01;
            assertCopyAborted(xcopy(h, parameterList(1, HOLD, List.of(t10VendorId), List.of(segment(0, 0, 1, 0, 9)))),
                    AdditionalSense.COPY_TARGET_DEVICE_NOT_REACHABLE, 16);
            assertNothingWritten(h);
        }
    }

    @Test
    void blocksBeyondEitherEndAbortTheCopyBeforeAnythingMoves() {
        try (ScsiHarness h = new ScsiHarness(BS, BLOCKS, 2)) {
            assertCopyAborted(xcopy(h, oneSegment(1, HOLD, 0, 1, 2048, 0, BLOCKS - 1)),
                    AdditionalSense.NO_ADDITIONAL_SENSE, 80 + 20);
            assertCopyAborted(xcopy(h, oneSegment(1, HOLD, 0, 1, 2, BLOCKS - 1, 0)),
                    AdditionalSense.NO_ADDITIONAL_SENSE, 80 + 12);
            assertCopyAborted(xcopy(h, oneSegment(1, HOLD, 0, 1, 1, -1L, 0)),
                    AdditionalSense.NO_ADDITIONAL_SENSE, 80 + 12);
            byte[] list = parameterList(1, HOLD, List.of(cscd(0), cscd(1)),
                    List.of(segment(0, 1, 8, 0, 0), segment(0, 1, 8, 0, BLOCKS)));
            assertCopyAborted(xcopy(h, list), AdditionalSense.NO_ADDITIONAL_SENSE, 80 + 28 + 20);
            assertNothingWritten(h);
        }
    }

    @Test
    void aParameterListLengthAboveWhatTheLimitsHoldIsRefusedFromTheCdb() {
        try (ScsiHarness h = new ScsiHarness(BS, BLOCKS, 1)) {
            long tooLong = 16 + CopyLimits.MAX_DESCRIPTOR_LIST_LENGTH + 1;
            ScsiRequest request = new ScsiRequest(NEXUS, 0, xcopyCdb(tooLong), (int) tooLong, false, true, null, null, null);
            assertEquals(0, h.dispatcher.dataOutLength(request), "none of its data is asked for");
        }
    }

    // ---- what the copy must respect and report -----------------------------------------

    @Test
    void aReservationOnAnotherLuAppliesAsToAReadOrWriteFromThisNexus() {
        try (ScsiHarness h = new ScsiHarness(BS, BLOCKS, 2)) {
            Nexus other = PersistentReservationTest.B;
            h.dispatcher.nexusAdded(NEXUS);
            h.dispatcher.nexusAdded(other);
            for (int lun = 0; lun < 2; lun++) { // clear the POWER ON unit attentions
                h.run(NEXUS, lun, ScsiHarness.cdb(0, 0, 0, 0, 0, 0), 0, false, false, null);
                h.run(other, lun, ScsiHarness.cdb(0, 0, 0, 0, 0, 0), 0, false, false, null);
            }
            byte[] register = PersistentReservationTest.basic(0, 0xabc, 0);
            h.run(other, 1, PersistentReservationTest.proutCdb(0, 0, 24), 24, false, true, register).assertGood();
            byte[] key = PersistentReservationTest.basic(0xabc, 0, 0);
            h.run(other, 1, PersistentReservationTest.proutCdb(1, PrType.WRITE_EXCLUSIVE.code(), 24), 24, false, true,
                    key).assertGood();
            ScsiHarness.Result r = xcopy(h, oneSegment(1, HOLD, 0, 1, 8, 0, 0));
            PersistentReservationTest.assertConflict(r);
            xcopy(h, oneSegment(1, HOLD, 1, 0, 8, 0, 0)).assertGood(); // reading LU 1 is allowed under WE
            assertTrue(h.storage(1).writes.isEmpty());
        }
    }

    @Test
    void aStorageFailureEndsTheCopyAndIsHeldAsCompletedWithErrors() {
        try (ScsiHarness h = new ScsiHarness(BS, BLOCKS, 2)) {
            h.storage(1).nextFailure = new StorageException(StorageException.Kind.MEDIUM_ERROR, "bad sector", null);
            xcopy(h, oneSegment(4, HOLD, 0, 1, 8, 0, 0)).assertCheck(SenseKey.MEDIUM_ERROR, AdditionalSense.WRITE_ERROR);
            byte[] status = copyStatus(h, NEXUS, 4).assertGood().data();
            assertEquals(CopyResults.COMPLETED_WITH_ERRORS, status[4]);
            assertEquals(0, Cdb.u16(status, 5));
            h.storage(0).nextFailure = new StorageException(StorageException.Kind.MEDIUM_ERROR, "bad sector", null);
            xcopy(h, oneSegment(4, HOLD, 0, 1, 8, 0, 0))
                    .assertCheck(SenseKey.MEDIUM_ERROR, AdditionalSense.UNRECOVERED_READ_ERROR);
            h.storage(1).nextFailure = new StorageException(StorageException.Kind.NOT_READY_RETRYABLE, "suspended", null);
            xcopy(h, oneSegment(4, HOLD, 0, 1, 8, 0, 0))
                    .assertCheck(SenseKey.NOT_READY, AdditionalSense.LOGICAL_UNIT_BECOMING_READY);
        }
    }

    @Test
    void aListIdentifierInUseByARunningCopyIsRefused() throws Exception {
        try (ScsiHarness h = new ScsiHarness(BS, BLOCKS, 2)) {
            CountDownLatch hold = new CountDownLatch(1);
            Future<?> blocker = h.io.submit(() -> {
                hold.await();
                return null;
            });
            byte[] list = oneSegment(9, HOLD, 0, 1, 8, 0, 0);
            ScsiHarness.Pending running = h.start(xcopyCdb(list.length), list);
            assertEquals(CopyResults.IN_PROGRESS, copyStatus(h, NEXUS, 9).assertGood().data()[4]);
            xcopy(h, list).assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.OPERATION_IN_PROGRESS);
            hold.countDown();
            blocker.get();
            running.finish().assertGood();
            xcopy(h, list).assertGood(); // held status does not block reuse
        }
    }

    @Test
    void heldStatusBelongsToItsNexusAndGoesWithIt() {
        try (ScsiHarness h = new ScsiHarness(BS, BLOCKS, 2)) {
            xcopy(h, oneSegment(7, HOLD, 0, 1, 8, 0, 0)).assertGood();
            copyStatus(h, PersistentReservationTest.B, 7).assertInvalidField(2);
            xcopy(h, oneSegment(8, NO_HOLD, 0, 1, 8, 0, 0)).assertGood();
            copyStatus(h, NEXUS, 8).assertInvalidField(2);
            copyStatus(h, NEXUS, 7).assertGood();
            h.dispatcher.nexusRemoved(NEXUS);
            copyStatus(h, NEXUS, 7).assertInvalidField(2);
        }
    }

    @Test
    void operatingParametersAreTheLimitsTheParserEnforces() {
        try (ScsiHarness h = new ScsiHarness(BS, BLOCKS, 1)) {
            byte[] d = h.run(ScsiHarness.cdb(0x84, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0), 256).assertGood().data();
            assertEquals(d.length - 4, Cdb.u32(d, 0));
            assertEquals(CopyLimits.MAX_CSCD_DESCRIPTORS, Cdb.u16(d, 8));
            assertEquals(CopyLimits.MAX_SEGMENT_DESCRIPTORS, Cdb.u16(d, 10));
            assertEquals(CopyLimits.MAX_DESCRIPTOR_LIST_LENGTH, Cdb.u32(d, 12));
            assertEquals(CopyLimits.MAX_SEGMENT_BYTES, Cdb.u32(d, 16));
            assertEquals(0, Cdb.u32(d, 20), "no inline data");
            assertEquals(9, d[37], "data segment granularity: one 512-byte block");
            assertEquals(2, d[43]);
            assertEquals(List.of(0x02, 0xe4), List.of(d[44] & 0xff, d[45] & 0xff));
            h.run(ScsiHarness.cdb(0x84, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0), 256).assertInvalidField(1);
        }
    }

    @Test
    void reportedAsSupportedWithTheirServiceActions() {
        try (ScsiHarness h = new ScsiHarness(BS, BLOCKS, 1)) {
            for (int[] command : new int[][] {{0x83, 0x00}, {0x84, 0x00}, {0x84, 0x03}}) {
                byte[] one = h.run(ScsiHarness.cdb(0xa3, 0x0c, 2, command[0], 0, command[1], 0, 0, 2, 0, 0, 0), 512)
                        .assertGood().data();
                assertEquals(3, one[1] & 7, Integer.toHexString(command[0]) + "/" + command[1]);
                assertEquals(16, Cdb.u16(one, 2));
            }
            h.run(ScsiHarness.cdb(0x83, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0).assertInvalidField(1); // LID4
            byte[] standard = h.run(ScsiHarness.inquiry(false, 0, 96), 96).assertGood().data();
            assertEquals(0x08, standard[5] & 0x08, "3PC: a copy manager is there");
        }
    }
}
