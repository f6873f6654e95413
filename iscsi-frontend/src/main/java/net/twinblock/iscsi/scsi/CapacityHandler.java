package net.twinblock.iscsi.scsi;

import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.lun.BlockStorage;

/** READ CAPACITY (10) and (16) (SBC-3 §5.15, §5.16). */
final class CapacityHandler implements CommandHandler {

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        return CompletableFuture.completedFuture(task.op() == ScsiOpcode.READ_CAPACITY_10
                ? readCapacity10(task) : readCapacity16(task));
    }

    private static ScsiResponse readCapacity10(ScsiTask task) {
        byte[] cdb = task.cdb();
        boolean pmi = Cdb.bit(cdb, 8, 0);
        if (!pmi && Cdb.u32(cdb, 2) != 0) {
            throw CheckCondition.invalidField(2, -1);
        }
        BlockStorage storage = task.storage();
        long lastLba = storage.blockCount() - 1;
        byte[] data = new byte[8];
        // 0xFFFFFFFF tells the initiator to ask READ CAPACITY (16) instead.
        Cdb.putInt(data, 0, lastLba > 0xfffffffeL ? 0xffffffff : (int) lastLba);
        Cdb.putInt(data, 4, storage.blockSize());
        return ScsiResponses.dataIn(task, data, data.length);
    }

    private static ScsiResponse readCapacity16(ScsiTask task) {
        long allocationLength = Cdb.u32(task.cdb(), 10);
        BlockStorage storage = task.storage();
        byte[] data = new byte[32];
        Cdb.putLong(data, 0, storage.blockCount() - 1);
        Cdb.putInt(data, 8, storage.blockSize());
        // byte 12: no protection information; byte 13: one logical block per physical block.
        if (storage.thinProvisioned()) {
            data[14] = (byte) 0xc0; // LBPME: UNMAP works; LBPRZ: unmapped blocks read as zeros
        }
        return ScsiResponses.dataIn(task, data, allocationLength);
    }
}
