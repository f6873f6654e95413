package net.twinblock.iscsi.scsi;

import static net.twinblock.iscsi.scsi.ScsiHarness.inquiry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.twinblock.iscsi.lun.PortGroup;
import net.twinblock.iscsi.scsi.ScsiHarness.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InquiryHandlerTest {

    @Test
    void standardDataSaysSpc4DiskWithImplicitAluaAndCommandQueueing() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            byte[] d = h.run(inquiry(false, 0, 255), 255).assertGood().data();
            assertEquals(96, d.length);
            assertEquals(0x00, d[0], "qualifier 0, direct access block device");
            assertEquals(0x06, d[2], "SPC-4");
            assertEquals(0x12, d[3], "HiSup + response data format 2");
            assertEquals(91, d[4] & 0xff, "additional length");
            assertEquals(0x10, d[5] & 0x30, "TPGS=01 implicit ALUA");
            assertEquals(0x02, d[7] & 0x02, "CmdQue");
            assertEquals("TWINBLK ", new String(d, 8, 8, StandardCharsets.US_ASCII));
            assertEquals("twinblock       ", new String(d, 16, 16, StandardCharsets.US_ASCII));
            assertEquals(0x0460, Cdb.u16(d, 62), "SPC-4 version descriptor");
            assertEquals(0x04c0, Cdb.u16(d, 64), "SBC-3 version descriptor");
        }
    }

    @Test
    void allocationLengthTruncatesAndResidualsFollow() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            byte[] full = h.run(inquiry(false, 0, 255), 255).data();
            Result r36 = h.run(inquiry(false, 0, 36), 36).assertGood();
            assertArrayEquals(Arrays.copyOf(full, 36), r36.data());
            assertTrue(!r36.overflow() && !r36.underflow());
            Result r66 = h.run(inquiry(false, 0, 66), 66).assertGood();
            assertArrayEquals(Arrays.copyOf(full, 66), r66.data());
            Result r5 = h.run(inquiry(false, 0, 5), 5).assertGood();
            assertArrayEquals(Arrays.copyOf(full, 5), r5.data());
            Result big = h.run(inquiry(false, 0, 255), 255);
            assertTrue(big.underflow());
            assertEquals(255 - 96, big.residual());
            assertEquals(0, h.run(inquiry(false, 0, 0), 0).assertGood().data().length);
        }
    }

    @Test
    void pageCodeWithoutEvpdAndUnknownPagesAreInvalidFields() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            h.run(inquiry(false, 0x83, 255), 255).assertInvalidField(2);
            h.run(inquiry(true, 0x42, 255), 255).assertInvalidField(2);
            h.run(ScsiHarness.cdb(0x12, 0x02, 0, 0, 255, 0), 255).assertInvalidField(1); // CmdDt
        }
    }

    @Test
    void supportedPagesListsEveryPageWeAnswer() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            byte[] d = h.run(inquiry(true, 0x00, 255), 255).assertGood().data();
            assertEquals(0, d[1]);
            int n = Cdb.u16(d, 2);
            assertEquals(d.length - 4, n);
            for (int i = 0; i < n; i++) {
                int page = d[4 + i] & 0xff;
                byte[] p = h.run(inquiry(true, page, 4096), 4096).assertGood().data();
                assertEquals(page, p[1] & 0xff);
                assertEquals(p.length - 4, Cdb.u16(p, 2), "page length of 0x" + Integer.toHexString(page));
                // Linux reads the 4-byte header first, then the whole page.
                assertArrayEquals(Arrays.copyOf(p, 4), h.run(inquiry(true, page, 4), 4).assertGood().data());
            }
            assertArrayEquals(new byte[] {0x00, (byte) 0x80, (byte) 0x83, (byte) 0x8f, (byte) 0xb0, (byte) 0xb1,
                (byte) 0xb2}, Arrays.copyOfRange(d, 4, d.length));
        }
    }

    @Test
    void serialNumberPage() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            byte[] d = h.run(inquiry(true, 0x80, 255), 255).assertGood().data();
            assertEquals("TB0001", new String(d, 4, Cdb.u16(d, 2), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void deviceIdentificationCarriesNaaPortAndGroup() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            byte[] d = h.run(inquiry(true, 0x83, 255), 255).assertGood().data();
            int p = 4;
            // NAA, binary, LU association
            assertEquals(0x01, d[p] & 0x0f);
            assertEquals(0x03, d[p + 1] & 0x3f);
            assertEquals(16, d[p + 3]);
            assertArrayEquals(ScsiHarness.NAA, Arrays.copyOfRange(d, p + 4, p + 20));
            p += 20;
            // relative target port, target port association, PIV with iSCSI
            assertEquals(0x51, d[p] & 0xff);
            assertEquals(0x94, d[p + 1] & 0xff);
            assertEquals(1, Cdb.u16(d, p + 6));
            p += 8;
            assertEquals(0x95, d[p + 1] & 0xff, "target port group designator");
            assertEquals(1, Cdb.u16(d, p + 6));
            assertEquals(d.length, p + 8);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void blockLimitsMatchWhatIsEnforced(int bs) {
        try (ScsiHarness h = new ScsiHarness(bs, 64)) {
            byte[] d = h.run(inquiry(true, 0xb0, 255), 255).assertGood().data();
            BlockLimits l = new BlockLimits(bs);
            assertEquals(0x3c, Cdb.u16(d, 2));
            assertEquals(0, d[4] & 1, "WSNZ=0: WRITE SAME of 0 blocks runs to the end of the medium");
            assertEquals(l.maxTransferBlocks(), Cdb.u32(d, 8));
            assertEquals(8L * 1024 * 1024, Cdb.u32(d, 8) * bs, "8 MiB whatever the block size");
            assertEquals(l.optimalTransferBlocks(), Cdb.u32(d, 12));
            assertEquals(l.maxUnmapBlocks(), Cdb.u32(d, 20));
            assertEquals(l.maxUnmapDescriptors(), Cdb.u32(d, 24));
            assertEquals(l.unmapGranularityBlocks(), Cdb.u32(d, 28));
            assertEquals(0x80, d[32] & 0x80, "UGAVALID");
            assertEquals(l.maxWriteSameBlocks(), Cdb.u64(d, 36));
        }
    }

    /** The checks libiscsi's Inquiry.VPDThirdPartyCopy makes (in releases after the one CI runs). */
    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void thirdPartyCopyPageDescribesTheCopyManager(int bs) {
        try (ScsiHarness h = new ScsiHarness(bs, 64)) {
            byte[] d = h.run(inquiry(true, 0x8f, 1024), 1024).assertGood().data();
            assertEquals(0x8f, d[1] & 0xff);
            assertEquals(d.length - 4, Cdb.u16(d, 2));
            java.util.Map<Integer, byte[]> descriptors = new java.util.LinkedHashMap<>();
            for (int off = 4; off < d.length; ) {
                int length = Cdb.u16(d, off + 2);
                assertEquals(0, length % 4, "padded to four bytes");
                descriptors.put(Cdb.u16(d, off), Arrays.copyOfRange(d, off + 4, off + 4 + length));
                off += 4 + length;
            }
            assertEquals(java.util.List.of(0x0001, 0x0004, 0x0008, 0x000c, 0x8001),
                    java.util.List.copyOf(descriptors.keySet()));
            byte[] commands = descriptors.get(0x0001);
            assertArrayEquals(new byte[] {7, (byte) 0x83, 1, 0x00, (byte) 0x84, 2, 0x00, 0x03},
                    commands, "EXTENDED COPY (LID1); RECEIVE COPY RESULTS COPY STATUS and OPERATING PARAMETERS");
            byte[] parameters = descriptors.get(0x0004);
            assertEquals(0x1c, parameters.length);
            assertEquals(CopyLimits.MAX_CSCD_DESCRIPTORS, Cdb.u16(parameters, 4));
            assertEquals(CopyLimits.MAX_SEGMENT_DESCRIPTORS, Cdb.u16(parameters, 6));
            assertEquals(CopyLimits.MAX_DESCRIPTOR_LIST_LENGTH, Cdb.u32(parameters, 8));
            assertArrayEquals(new byte[] {2, 0x02, (byte) 0xe4, 0}, descriptors.get(0x0008));
            assertArrayEquals(new byte[4], descriptors.get(0x000c), "no special CSCD descriptor IDs");
            byte[] general = descriptors.get(0x8001);
            assertEquals(0x20, general.length);
            assertEquals(CopyLimits.TOTAL_CONCURRENT_COPIES, Cdb.u32(general, 0));
            assertTrue(Cdb.u32(general, 4) <= 255);
            assertEquals(CopyLimits.MAX_SEGMENT_BYTES, Cdb.u32(general, 8));
            assertEquals(Integer.numberOfTrailingZeros(bs), general[12], "granularity: one block");
        }
    }

    @Test
    void characteristicsAndProvisioningPages() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            byte[] b1 = h.run(inquiry(true, 0xb1, 255), 255).assertGood().data();
            assertEquals(64, b1.length);
            assertEquals(1, Cdb.u16(b1, 4), "non-rotating");
            byte[] b2 = h.run(inquiry(true, 0xb2, 255), 255).assertGood().data();
            assertEquals(8, b2.length);
            assertEquals(0xe4, b2[5] & 0xe4, "LBPU LBPWS LBPWS10 LBPRZ");
            assertEquals(2, b2[6] & 7, "thin");
        }
        try (ScsiHarness thick = new ScsiHarness(512, 64, false, null)) {
            byte[] b2 = thick.run(inquiry(true, 0xb2, 255), 255).assertGood().data();
            assertEquals(0, b2[5]);
            assertEquals(0, b2[6] & 7);
            byte[] b0 = thick.run(inquiry(true, 0xb0, 255), 255).assertGood().data();
            assertEquals(0, Cdb.u32(b0, 20), "no UNMAP advertised on thick storage");
        }
    }

    @Test
    void unknownLunAnswersWithQualifier3AndRefusesVpd() {
        try (ScsiHarness h = new ScsiHarness(512, 64)) {
            byte[] d = h.run(5, inquiry(false, 0, 36), 36, true, false, null).assertGood().data();
            assertEquals(0x7f, d[0] & 0xff);
            h.run(5, inquiry(true, 0x83, 255), 255, true, false, null)
                    .assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.LOGICAL_UNIT_NOT_SUPPORTED);
        }
    }

    @Test
    void multiPortBitWhenThePeerExports() {
        PortGroup peer = ScsiHarness.peerGroup();
        try (ScsiHarness h = new ScsiHarness(512, 64, true, peer)) {
            assertEquals(0x10, h.run(inquiry(false, 0, 36), 36).data()[6] & 0x10);
        }
    }
}
