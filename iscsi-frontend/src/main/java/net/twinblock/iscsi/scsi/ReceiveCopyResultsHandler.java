package net.twinblock.iscsi.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * RECEIVE COPY RESULTS (LID1, SPC-4): the COPY STATUS of a copy this I_T nexus runs, or ran
 * with its status held, and the copy manager's OPERATING PARAMETERS (see {@link CopyLimits}).
 */
final class ReceiveCopyResultsHandler implements CommandHandler {

    /** Descriptor type codes the copy manager implements, as both reports list them. */
    static final int[] IMPLEMENTED_DESCRIPTORS = {CopyLimits.SEGMENT_BLOCK_TO_BLOCK, CopyLimits.CSCD_IDENTIFICATION};

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        long allocationLength = Cdb.u32(task.cdb(), 10);
        byte[] data = task.op() == ScsiOpcode.RECEIVE_COPY_RESULTS_COPY_STATUS
                ? copyStatus(task) : operatingParameters(task.storage().blockSize());
        return CompletableFuture.completedFuture(ScsiResponses.dataIn(task, data, allocationLength));
    }

    private static byte[] copyStatus(ScsiTask task) {
        int listId = Cdb.u8(task.cdb(), 2);
        CopyResults.Copy copy = task.dispatcher().copyResults().find(task.request().nexus(), listId);
        if (copy == null) {
            throw CheckCondition.invalidField(2, -1); // no copy with that list identifier on this nexus
        }
        byte[] d = new byte[12];
        Cdb.putInt(d, 0, d.length - 4);
        d[4] = (byte) copy.status();               // HDD=0: no held data, only the status
        Cdb.putShort(d, 5, Math.min(copy.segmentsProcessed(), 0xffff));
        // TRANSFER COUNT UNITS: bytes, or the power of 1024 that lets the count fit 32 bits.
        long count = copy.bytesCopied();
        int units = 0;
        while (count > 0xffffffffL) {
            count >>>= 10;
            units++;
        }
        d[7] = (byte) units;
        Cdb.putInt(d, 8, (int) count);
        return d;
    }

    static byte[] operatingParameters(int blockSize) {
        byte[] d = new byte[44 + IMPLEMENTED_DESCRIPTORS.length];
        Cdb.putInt(d, 0, d.length - 4);
        d[4] = 0x01;                               // SNLID: LIST ID USAGE 11b (no list identifier) works
        Cdb.putShort(d, 8, CopyLimits.MAX_CSCD_DESCRIPTORS);
        Cdb.putShort(d, 10, CopyLimits.MAX_SEGMENT_DESCRIPTORS);
        Cdb.putInt(d, 12, CopyLimits.MAX_DESCRIPTOR_LIST_LENGTH);
        Cdb.putInt(d, 16, CopyLimits.MAX_SEGMENT_BYTES);
        Cdb.putInt(d, 20, CopyLimits.MAX_INLINE_DATA);
        // 24: HELD DATA LIMIT 0 (status only), 28: MAXIMUM STREAM DEVICE TRANSFER SIZE 0 (no streams)
        Cdb.putShort(d, 34, CopyLimits.TOTAL_CONCURRENT_COPIES);
        d[36] = (byte) CopyLimits.MAX_IDENTIFIED_CONCURRENT_COPIES;
        d[37] = (byte) CopyLimits.dataSegmentGranularity(blockSize);
        // 38: INLINE DATA GRANULARITY 0, 39: HELD DATA GRANULARITY 0
        d[43] = (byte) IMPLEMENTED_DESCRIPTORS.length;
        for (int i = 0; i < IMPLEMENTED_DESCRIPTORS.length; i++) {
            d[44 + i] = (byte) IMPLEMENTED_DESCRIPTORS[i];
        }
        return d;
    }
}
