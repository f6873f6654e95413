package net.twinblock.iscsi.scsi;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** REPORT LUNS (SPC-4 §6.33): the LUN inventory, in SAM-5 single-level LUN format. */
final class ReportLunsHandler implements CommandHandler {

    /** SPC-3 requires at least 16 bytes, room for the header and one LUN; LIO and tgt enforce it. */
    private static final int MIN_ALLOCATION_LENGTH = 16;

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        byte[] cdb = task.cdb();
        int selectReport = Cdb.u8(cdb, 2);
        long allocationLength = Cdb.u32(cdb, 6);
        if (allocationLength < MIN_ALLOCATION_LENGTH) {
            throw CheckCondition.invalidField(6, -1);
        }
        List<Integer> reported = switch (selectReport) {
            // 0: all logical units; 2: all accessible; we have no well-known LUs, so 1 is empty.
            case 0x00, 0x02 -> List.copyOf(task.dispatcher().luns().keySet());
            case 0x01 -> List.of();
            default -> throw CheckCondition.invalidField(2, -1);
        };
        byte[] data = new byte[8 + 8 * reported.size()];
        Cdb.putInt(data, 0, 8 * reported.size());
        int p = 8;
        for (int lun : reported) {
            encodeLun(lun, data, p);
            p += 8;
        }
        return CompletableFuture.completedFuture(ScsiResponses.dataIn(task, data, allocationLength));
    }

    /** Peripheral device addressing below 256 (what Linux expects for small LUNs), flat above. */
    static void encodeLun(int lun, byte[] out, int off) {
        if (lun < 256) {
            out[off] = 0;
            out[off + 1] = (byte) lun;
        } else {
            out[off] = (byte) (0x40 | (lun >>> 8));
            out[off + 1] = (byte) lun;
        }
    }
}
