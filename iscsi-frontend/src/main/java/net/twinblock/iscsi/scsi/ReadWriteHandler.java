package net.twinblock.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.lun.BlockStorage;

/**
 * READ and WRITE (6/10/12/16) and WRITE AND VERIFY (10/12/16), SBC-3 §5.
 *
 * <p>When the iSCSI EDTL and the CDB disagree (libiscsi's residual tests, FCP-4 rules that
 * RFC 7143 follows): a READ moves what fits in the EDTL and reports the residual. A WRITE
 * whose EDTL covers the CDB writes what the CDB says and reports the underflow; a WRITE whose
 * EDTL is short of the CDB is refused whole (ILLEGAL REQUEST, INVALID FIELD IN COMMAND
 * INFORMATION UNIT, with the overflow residual) rather than writing a partial block, so
 * nothing is half-written.
 */
final class ReadWriteHandler implements CommandHandler {

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        byte[] cdb = task.cdb();
        OpCode op = task.op();
        boolean isWrite = op.writes();
        if (op != OpCode.READ_6 && op != OpCode.WRITE_6 && (cdb[1] & 0xe0) != 0) {
            throw CheckCondition.invalidField(1, 7); // RDPROTECT/WRPROTECT: we have no protection information
        }
        ScsiRequest request = task.request();
        boolean wrongDirection = isWrite
                ? request.read() && !request.write()
                : request.write() && request.dataOut().isReadable();
        if (wrongDirection) {
            throw new CheckCondition(SenseData.of(SenseKey.ILLEGAL_REQUEST,
                    AdditionalSense.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT));
        }
        BlockRange range = BlockRange.of(cdb);
        task.checkRange(range.lba(), range.blocks());
        if (range.blocks() > task.limits().maxTransferBlocks()) {
            throw CheckCondition.invalidField(range.lengthOffset(), -1);
        }
        return isWrite ? write(task, range, cdb) : read(task, range);
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
        OpCode op = task.op();
        long spdtl = range.blocks() * task.storage().blockSize();
        int edtl = task.edtl();
        if (range.blocks() == 0) {
            return CompletableFuture.completedFuture(ScsiResponses.good(0, edtl));
        }
        if (spdtl > Integer.toUnsignedLong(edtl) || task.dataOut().readableBytes() < spdtl) {
            return CompletableFuture.completedFuture(ScsiResponses.checkCondition(
                    SenseData.of(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT),
                    spdtl, edtl));
        }
        // FUA must reach stable storage before GOOD; WRITE AND VERIFY likewise, since verifying
        // a write only means something once it is on the medium. DPO is a cache hint: ignored.
        boolean fua = op == OpCode.WRITE_AND_VERIFY_10 || op == OpCode.WRITE_AND_VERIFY_12
                || op == OpCode.WRITE_AND_VERIFY_16
                || (op != OpCode.WRITE_6 && Cdb.bit(cdb, 1, 3));
        ByteBuf payload = exactly(task.takeDataOut(), (int) spdtl);
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
