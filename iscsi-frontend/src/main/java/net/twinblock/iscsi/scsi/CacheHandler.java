package net.twinblock.iscsi.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * Cache and unit control: SYNCHRONIZE CACHE (10/16), PRE-FETCH (10/16), START STOP UNIT.
 */
final class CacheHandler implements CommandHandler {

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        BlockRange range = BlockRange.of(task.cdb());
        ScsiOpcode op = task.op();
        if (op == ScsiOpcode.SYNCHRONIZE_CACHE_10 || op == ScsiOpcode.SYNCHRONIZE_CACHE_16) {
            // NUMBER OF LOGICAL BLOCKS 0 means "to the end of the medium": only the LBA is checked.
            task.checkRange(range.lba(), range.blocks());
            // The whole volume is flushed whatever the range: fdatasync has no finer grain.
            // IMMED is not honoured early: reporting GOOD before the flush could hide its failure.
            return task.storage().flush().thenApply(v -> ScsiResponses.good());
        }
        // PRE-FETCH: the page cache does read-ahead on its own; GOOD (not CONDITION MET) says
        // honestly that nothing was pinned in a cache.
        task.checkRange(range.lba(), range.blocks());
        return ScsiResponses.goodNow();
    }

    /**
     * START STOP UNIT (SBC-3 §5.25): the unit is always started. A power condition other
     * than 0 makes START and LOEJ ignored; LOEJ on our non-removable medium is refused.
     */
    static CompletableFuture<ScsiResponse> startStopUnit(ScsiTask task) {
        byte[] cdb = task.cdb();
        int powerCondition = Cdb.u8(cdb, 4) >>> 4;
        boolean loadEject = Cdb.bit(cdb, 4, 1);
        if (powerCondition == 0 && loadEject) {
            throw CheckCondition.invalidField(4, 1);
        }
        return ScsiResponses.goodNow();
    }
}
