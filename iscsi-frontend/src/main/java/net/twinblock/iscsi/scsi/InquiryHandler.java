package net.twinblock.iscsi.scsi;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.lun.LogicalUnit;

/** INQUIRY (SPC-4 §6.6): standard data, or a VPD page (see {@link VpdPages}). */
final class InquiryHandler implements CommandHandler {

    static final String VENDOR = "TWINBLK ";
    static final String PRODUCT = "twinblock";
    static final String REVISION = "0100";

    /** Version descriptors: SAM-5, iSCSI, SPC-4, SBC-3 (SPC-4 Table 143). */
    private static final int[] VERSION_DESCRIPTORS = {0x00a0, 0x0960, 0x0460, 0x04c0};

    private static final int STANDARD_LENGTH = 96;

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        byte[] cdb = task.cdb();
        boolean evpd = Cdb.bit(cdb, 1, 0);
        int pageCode = Cdb.u8(cdb, 2);
        int allocationLength = Cdb.u16(cdb, 3);
        if (Cdb.bit(cdb, 1, 1)) {
            throw CheckCondition.invalidField(1, 1); // CmdDt is obsolete
        }
        byte[] data;
        if (!evpd) {
            if (pageCode != 0) {
                throw CheckCondition.invalidField(2, -1);
            }
            data = standard(task.lu());
        } else {
            if (task.lu() == null) {
                throw new CheckCondition(SenseData.of(SenseKey.ILLEGAL_REQUEST,
                        AdditionalSense.LOGICAL_UNIT_NOT_SUPPORTED));
            }
            data = VpdPages.page(pageCode, task.lu(), task.dispatcher().guardsEveryWrite(task.lu()));
            if (data == null) {
                throw CheckCondition.invalidField(2, -1);
            }
        }
        return CompletableFuture.completedFuture(ScsiResponses.dataIn(task, data, allocationLength));
    }

    static byte[] standard(LogicalUnit lu) {
        byte[] d = new byte[STANDARD_LENGTH];
        // Unknown LUN: peripheral qualifier 3 (not capable of a LU here), type 0x1f (unknown).
        d[0] = lu == null ? (byte) 0x7f : 0x00;
        d[2] = 0x06;                   // SPC-4
        d[3] = 0x12;                   // HiSup, response data format 2
        d[4] = (byte) (STANDARD_LENGTH - 5);
        d[5] = 0x10 | 0x08;            // TPGS=01: implicit ALUA only; 3PC: EXTENDED COPY
        if (lu != null && lu.portGroup().peer() != null) {
            d[6] = 0x10;               // MultiP: the same LU is reachable through the peer's port
        }
        d[7] = 0x02;                   // CmdQue
        ascii(d, 8, VENDOR, 8);
        ascii(d, 16, PRODUCT, 16);
        ascii(d, 32, REVISION, 4);
        for (int i = 0; i < VERSION_DESCRIPTORS.length; i++) {
            Cdb.putShort(d, 58 + 2 * i, VERSION_DESCRIPTORS[i]);
        }
        return d;
    }

    /** Left-aligned, space-padded ASCII (SPC-4 §4.4.1). */
    static void ascii(byte[] d, int off, String s, int width) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < width; i++) {
            d[off + i] = i < b.length ? b[i] : (byte) ' ';
        }
    }
}
