package net.twinblock.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.lun.BlockStorage;

/**
 * READ and WRITE (6/10/12/16) and WRITE AND VERIFY (10/12/16), SBC-3 §5.
 *
 * <p>When the iSCSI EDTL and the CDB disagree (RFC 7143 §11.4.5 follows FCP-4: process the
 * command, but move no data beyond the EDTL, and report the residual):
 * <ul>
 * <li>READ sends what fits in the EDTL; the session truncates the last block.
 * <li>WRITE with EDTL above the CDB's length writes what the CDB says (underflow).
 * <li>WRITE with EDTL below it, but a whole number of blocks, writes those blocks and
 *     answers GOOD with the overflow, as libiscsi's residual tests require.
 * <li>WRITE with EDTL ending inside a block is refused whole (ILLEGAL REQUEST, INVALID
 *     FIELD IN COMMAND INFORMATION UNIT, still with the overflow), since a partial block
 *     cannot be written; nothing is half-written.
 * </ul>
 * A READ whose PDU carries the W bit is served as a read: libiscsi expects GOOD there, and
 * the Data-Out that came with it is simply released.
 */
final class ReadWriteHandler implements CommandHandler {

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        BlockRange range = checkedRange(task);
        return task.op().writes() ? write(task, range, task.cdb()) : read(task, range);
    }

    /** A write takes the blocks both the CDB and the EDTL cover; none if that ends inside a block. */
    @Override
    public long dataOutLength(ScsiTask task) {
        if (!task.op().writes()) {
            return 0;
        }
        BlockRange range = checkedRange(task);
        int blockSize = task.storage().blockSize();
        long covered = Math.min(range.blocks() * blockSize, Integer.toUnsignedLong(task.edtl()));
        return covered % blockSize == 0 ? covered : 0;
    }

    /**
     * The CDB's range, once protection (RDPROTECT/WRPROTECT/ORPROTECT, all in byte 1 bits 7-5),
     * range and the Block Limits maximum are checked.
     */
    static BlockRange checkedRange(ScsiTask task) {
        byte[] cdb = task.cdb();
        ScsiOpcode op = task.op();
        if (op != ScsiOpcode.READ_6 && op != ScsiOpcode.WRITE_6 && (cdb[1] & 0xe0) != 0) {
            throw CheckCondition.invalidField(1, 7); // RDPROTECT/WRPROTECT: we have no protection information
        }
        BlockRange range = BlockRange.of(cdb);
        task.checkRange(range.lba(), range.blocks());
        if (range.blocks() > task.limits().maxTransferBlocks()) {
            throw CheckCondition.invalidField(range.lengthOffset(), -1);
        }
        return range;
    }

    private static CompletableFuture<ScsiResponse> read(ScsiTask task, BlockRange range) {
        BlockStorage storage = task.storage();
        int blockSize = storage.blockSize();
        long spdtl = range.blocks() * blockSize;
        int edtl = task.edtl();
        // Read only the blocks the EDTL lets us send; the rest would be dropped anyway.
        int blocks = (int) Math.min(range.blocks(), (Integer.toUnsignedLong(edtl) + blockSize - 1) / blockSize);
        if (blocks == 0) {
            return CompletableFuture.completedFuture(ScsiResponses.good(spdtl, edtl));
        }
        long lba = range.lba();
        return storage.readGate(lba, blocks)
                .thenCompose(v -> storage.read(lba, blocks, task.alloc()))
                .thenApply(data -> {
                    // data: ownership passes to the response, trimmed to what the EDTL allows.
                    long keep = Math.min(data.readableBytes(), Integer.toUnsignedLong(edtl));
                    data.writerIndex(data.readerIndex() + (int) keep);
                    return ScsiResponses.withResidual(ScsiStatus.GOOD, null, data, spdtl, edtl);
                });
    }

    private static CompletableFuture<ScsiResponse> write(ScsiTask task, BlockRange range, byte[] cdb) {
        ScsiOpcode op = task.op();
        long spdtl = range.blocks() * task.storage().blockSize();
        int edtl = task.edtl();
        if (range.blocks() == 0) {
            return CompletableFuture.completedFuture(ScsiResponses.good(0, edtl));
        }
        int blockSize = task.storage().blockSize();
        long edtlBytes = Integer.toUnsignedLong(edtl);
        long covered = Math.min(spdtl, edtlBytes);
        if (covered % blockSize != 0 || task.dataOut().readableBytes() < covered) {
            return CompletableFuture.completedFuture(ScsiResponses.checkCondition(
                    SenseData.of(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT),
                    spdtl, edtl));
        }
        if (covered == 0) {
            return CompletableFuture.completedFuture(ScsiResponses.good(spdtl, edtl));
        }
        // FUA must reach stable storage before GOOD; WRITE AND VERIFY likewise, since verifying
        // a write only means something once it is on the medium. DPO is a cache hint: ignored.
        boolean fua = op == ScsiOpcode.WRITE_AND_VERIFY_10 || op == ScsiOpcode.WRITE_AND_VERIFY_12
                || op == ScsiOpcode.WRITE_AND_VERIFY_16
                || (op != ScsiOpcode.WRITE_6 && Cdb.bit(cdb, 1, 3));
        ByteBuf payload = exactly(task.takeDataOut(), (int) covered);
        // payload: ownership passes to the storage, which releases it also on failure.
        return task.storage().write(range.lba(), payload, fua)
                .thenApply(v -> ScsiResponses.good(spdtl, edtl));
    }

    /**
     * The first {@code length} bytes of {@code data}, as one reference the caller owns:
     * {@code data} itself when it is exactly that long, else a retained slice, and the
     * reference to {@code data} is released (the slice keeps the memory alive).
     */
    static ByteBuf exactly(ByteBuf data, int length) {
        if (data.readableBytes() == length) {
            return data;
        }
        ByteBuf slice = data.retainedSlice(data.readerIndex(), length);
        data.release();
        return slice;
    }
}
