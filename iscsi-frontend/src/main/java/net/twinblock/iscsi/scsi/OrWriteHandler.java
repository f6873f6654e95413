package net.twinblock.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.lun.BlockStorage;

/**
 * ORWRITE (16) (SBC-3): reads the blocks, ORs the Data-Out into them and writes the result.
 * The dispatcher runs it holding the LU's {@link WriteGate} exclusively, like COMPARE AND WRITE,
 * so no other write to the LU lands between the read and the write, and it is offered only where
 * that gate sees every write ({@link ScsiCommandDispatcher#guardsEveryWrite}).
 *
 * <p>Only the whole transfer is served: an EDTL other than the CDB's length is refused before
 * anything is read (INVALID FIELD IN COMMAND INFORMATION UNIT), since half an OR is no OR.
 */
final class OrWriteHandler implements CommandHandler {

    @Override
    public long dataOutLength(ScsiTask task) {
        long spdtl = checkedRange(task).blocks() * task.storage().blockSize();
        return Integer.toUnsignedLong(task.edtl()) == spdtl ? spdtl : 0;
    }

    /** Only where the gate sees every write; then ORPROTECT, range and maximum as for WRITE (16). */
    private static BlockRange checkedRange(ScsiTask task) {
        if (!task.dispatcher().guardsEveryWrite(task.lu())) {
            throw new CheckCondition(SenseData.invalidOpcode());
        }
        return ReadWriteHandler.checkedRange(task);
    }

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        BlockRange range = checkedRange(task);
        BlockStorage storage = task.storage();
        int edtl = task.edtl();
        int blocks = (int) range.blocks(); // at most the maximum transfer length
        int length = blocks * storage.blockSize();
        if (blocks == 0) {
            return CompletableFuture.completedFuture(ScsiResponses.good(0, edtl));
        }
        if (Integer.toUnsignedLong(edtl) != length || task.dataOut().readableBytes() < length) {
            return CompletableFuture.completedFuture(ScsiResponses.checkCondition(
                    SenseData.of(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT),
                    length, edtl));
        }
        boolean fua = Cdb.bit(task.cdb(), 1, 3); // DPO is a cache hint: ignored
        long lba = range.lba();
        ByteBuf data = task.takeDataOut();
        // data: owned here and released once the write is done; the blocks read are ORed in place
        // and handed to the storage, which releases them.
        return storage.readGate(lba, blocks)
                .thenCompose(v -> storage.read(lba, blocks, task.alloc()))
                .thenCompose(current -> {
                    try {
                        orInto(current, data, length);
                    } catch (RuntimeException e) {
                        current.release();
                        throw e;
                    }
                    return storage.write(lba, current, fua);
                })
                .whenComplete((v, e) -> data.release())
                .thenApply(v -> ScsiResponses.good(length, edtl));
    }

    /** {@code target |= source} over {@code length} bytes (a whole number of blocks, so of longs). */
    static void orInto(ByteBuf target, ByteBuf source, int length) {
        int t = target.readerIndex();
        int s = source.readerIndex();
        for (int i = 0; i < length; i += Long.BYTES) {
            target.setLong(t + i, target.getLong(t + i) | source.getLong(s + i));
        }
    }
}
