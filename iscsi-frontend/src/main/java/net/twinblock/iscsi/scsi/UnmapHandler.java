package net.twinblock.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.lun.BlockStorage;

/**
 * UNMAP (SBC-3 §5.28). The whole parameter list is validated before any range is
 * deallocated, so a bad descriptor never leaves the command half done.
 */
final class UnmapHandler implements CommandHandler {

    private static final int HEADER_LENGTH = 8;
    private static final int DESCRIPTOR_LENGTH = 16;

    private record Extent(long lba, long blocks) {
    }

    /** The parameter list, as long as the CDB says (at most 64 KiB by the field's size). */
    @Override
    public long dataOutLength(ScsiTask task) {
        return Cdb.u16(task.cdb(), 7);
    }

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        byte[] cdb = task.cdb();
        BlockStorage storage = task.storage();
        if (!storage.thinProvisioned()) {
            throw new CheckCondition(SenseData.invalidOpcode());
        }
        if (Cdb.bit(cdb, 1, 0)) {
            throw CheckCondition.invalidField(1, 0); // ANCHOR: we do not support anchored LBAs
        }
        int parameterListLength = Cdb.u16(cdb, 7);
        int edtl = task.edtl();
        if (parameterListLength == 0) {
            return CompletableFuture.completedFuture(ScsiResponses.good(0, edtl));
        }
        // Data-Out stays owned by the task; we only read the parameter list in place.
        ByteBuf list = task.dataOut();
        int available = Math.min(list.readableBytes(), parameterListLength);
        if (parameterListLength < HEADER_LENGTH || available < HEADER_LENGTH) {
            throw new CheckCondition(SenseData.of(SenseKey.ILLEGAL_REQUEST, AdditionalSense.PARAMETER_LIST_LENGTH_ERROR));
        }
        int base = list.readerIndex();
        int descriptorDataLength = list.getUnsignedShort(base + 2);
        // A trailing partial descriptor is ignored (SBC-3), as is anything past the list.
        int count = Math.min(descriptorDataLength, available - HEADER_LENGTH) / DESCRIPTOR_LENGTH;
        BlockLimits limits = task.limits();
        if (count > limits.maxUnmapDescriptors()) {
            throw new CheckCondition(SenseData.invalidFieldInParameterList(2, -1));
        }
        List<Extent> extents = new ArrayList<>(count);
        long total = 0;
        for (int i = 0; i < count; i++) {
            int off = HEADER_LENGTH + i * DESCRIPTOR_LENGTH;
            long lba = list.getLong(base + off);
            long blocks = list.getUnsignedInt(base + off + 8);
            task.checkRange(lba, blocks);
            total += blocks;
            if (total > limits.maxUnmapBlocks()) {
                throw new CheckCondition(SenseData.invalidFieldInParameterList(off + 8, -1));
            }
            if (blocks > 0) {
                extents.add(new Extent(lba, blocks));
            }
        }
        CompletableFuture<?>[] unmaps = extents.stream()
                .map(e -> storage.unmap(e.lba(), e.blocks()))
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(unmaps).thenApply(v -> ScsiResponses.good(parameterListLength, edtl));
    }
}
