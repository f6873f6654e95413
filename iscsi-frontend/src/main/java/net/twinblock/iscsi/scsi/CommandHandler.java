package net.twinblock.iscsi.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * Executes one family of SCSI commands. Runs on the caller's thread (usually an event loop):
 * it validates the CDB at once (throwing {@link CheckCondition}) and leaves storage work to the
 * futures of {@link net.twinblock.iscsi.lun.BlockStorage}. The future may fail with
 * {@link CheckCondition} or {@link net.twinblock.iscsi.lun.StorageException}; the dispatcher
 * turns those into sense data.
 */
@FunctionalInterface
interface CommandHandler {
    CompletableFuture<ScsiResponse> handle(ScsiTask task);

    /**
     * How many bytes of Data-Out the command takes, from its CDB alone: called when it arrives,
     * before any data is solicited, and the session gathers no more than this. Throws
     * {@link CheckCondition} for a command that {@link #handle} will refuse, so none of its data
     * is taken. Commands that move no data to the target keep this default.
     */
    default long dataOutLength(ScsiTask task) {
        return 0;
    }
}
