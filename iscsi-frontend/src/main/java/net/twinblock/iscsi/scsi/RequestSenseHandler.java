package net.twinblock.iscsi.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * REQUEST SENSE (SPC-4 §6.39). With autosense in iSCSI there is never deferred sense to
 * report, so it returns (and clears) the oldest pending unit attention, or NO SENSE. DESC
 * selects descriptor format, which we support, so it is never refused.
 */
final class RequestSenseHandler implements CommandHandler {

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        byte[] cdb = task.cdb();
        boolean descriptorFormat = Cdb.bit(cdb, 1, 0);
        int allocationLength = Cdb.u8(cdb, 4);
        SenseData sense;
        if (task.lu() == null) {
            // SPC-4: for an unsupported LUN the parameter data, not the status, says so.
            sense = SenseData.of(SenseKey.ILLEGAL_REQUEST, AdditionalSense.LOGICAL_UNIT_NOT_SUPPORTED);
        } else {
            sense = task.dispatcher().unitAttentions().poll(task.request().nexus(), task.request().lun());
            if (sense == null) {
                sense = SenseData.of(SenseKey.NO_SENSE, AdditionalSense.NO_ADDITIONAL_SENSE);
            }
        }
        byte[] data = descriptorFormat ? sense.toDescriptor() : sense.toFixed();
        return CompletableFuture.completedFuture(ScsiResponses.dataIn(task, data, allocationLength));
    }
}
