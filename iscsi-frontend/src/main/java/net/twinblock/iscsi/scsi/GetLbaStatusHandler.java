package net.twinblock.iscsi.scsi;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.lun.BlockStorage;
import net.twinblock.iscsi.lun.ProvisioningRun;

/**
 * GET LBA STATUS (SBC-3): which blocks from the starting LBA on are mapped and which are
 * deallocated, as the storage knows it (the volume file's holes). One descriptor per run, the
 * first starting at the asked LBA, as many as the allocation length has room for, up to
 * {@link #MAX_DESCRIPTORS}, so a host walking the LU asks again where the answer ends.
 */
final class GetLbaStatusHandler implements CommandHandler {

    private static final int HEADER_LENGTH = 8;
    private static final int DESCRIPTOR_LENGTH = 16;
    /** Each run costs the storage two lseek calls; a host wanting more asks again from the end. */
    static final int MAX_DESCRIPTORS = 128;
    /** The NUMBER OF LOGICAL BLOCKS field is 32 bits: longer runs take several descriptors. */
    private static final long MAX_DESCRIPTOR_BLOCKS = 0xffffffffL;

    private static final int MAPPED = 0;
    private static final int DEALLOCATED = 1;

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        BlockStorage storage = task.storage();
        if (!storage.thinProvisioned()) {
            throw new CheckCondition(SenseData.invalidOpcode()); // LBPME=0: SBC-3 has no status to give
        }
        byte[] cdb = task.cdb();
        long lba = Cdb.u64(cdb, 2);
        long allocationLength = Cdb.u32(cdb, 10);
        if (Long.compareUnsigned(lba, storage.blockCount()) >= 0) {
            throw CheckCondition.lbaOutOfRange();
        }
        if (allocationLength == 0) {
            return CompletableFuture.completedFuture(ScsiResponses.good(0, task.edtl()));
        }
        int descriptors = (int) Math.max(1, Math.min(MAX_DESCRIPTORS,
                (allocationLength - HEADER_LENGTH + DESCRIPTOR_LENGTH - 1) / DESCRIPTOR_LENGTH));
        return storage.provisioning(lba, descriptors)
                .thenApply(runs -> ScsiResponses.dataIn(task, parameterData(runs, descriptors), allocationLength));
    }

    /** The header and up to {@code max} descriptors, a run longer than a descriptor can say split in several. */
    static byte[] parameterData(List<ProvisioningRun> runs, int max) {
        int count = 0;
        for (ProvisioningRun r : runs) {
            count += (int) Math.min(max, (r.blocks() + MAX_DESCRIPTOR_BLOCKS - 1) / MAX_DESCRIPTOR_BLOCKS);
        }
        count = Math.min(count, max);
        byte[] d = new byte[HEADER_LENGTH + count * DESCRIPTOR_LENGTH];
        Cdb.putInt(d, 0, d.length - 4);
        int off = HEADER_LENGTH;
        for (ProvisioningRun r : runs) {
            long lba = r.lba();
            long left = r.blocks();
            while (left > 0 && off < d.length) {
                long n = Math.min(left, MAX_DESCRIPTOR_BLOCKS);
                Cdb.putLong(d, off, lba);
                Cdb.putInt(d, off + 8, (int) n);
                d[off + 12] = (byte) (r.mapped() ? MAPPED : DEALLOCATED);
                lba += n;
                left -= n;
                off += DESCRIPTOR_LENGTH;
            }
        }
        return d;
    }
}
