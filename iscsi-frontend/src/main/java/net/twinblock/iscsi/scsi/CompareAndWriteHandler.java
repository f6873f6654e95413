package net.twinblock.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.lun.BlockStorage;

/**
 * COMPARE AND WRITE (SBC-3 §5.2): reads the blocks, compares them with the first half of the
 * Data-Out and, if equal, writes the second half. The dispatcher runs it holding the LU's
 * {@link WriteGate} exclusively, so no other write can slip between compare and write.
 *
 * <p>Only where the gate sees every write ({@link ScsiCommandDispatcher#guardsEveryWrite}): atomicity is what
 * VMware's ATS locking relies on. Elsewhere it is an unsupported opcode.
 */
final class CompareAndWriteHandler implements CommandHandler {

    /** VPD 0xB0 MAXIMUM COMPARE AND WRITE LENGTH: one block, what ATS uses. */
    static final int MAX_BLOCKS = 1;

    /** Both halves, compare and write; only with an EDTL of exactly that, which alone is served. */
    @Override
    public long dataOutLength(ScsiTask task) {
        long spdtl = 2L * checkedBlocks(task) * task.storage().blockSize();
        return Integer.toUnsignedLong(task.edtl()) == spdtl ? spdtl : 0;
    }

    private static int checkedBlocks(ScsiTask task) {
        if (!task.dispatcher().guardsEveryWrite(task.lu())) {
            throw new CheckCondition(SenseData.invalidOpcode());
        }
        byte[] cdb = task.cdb();
        if ((cdb[1] & 0xe0) != 0) {
            throw CheckCondition.invalidField(1, 7); // WRPROTECT
        }
        int blocks = Cdb.u8(cdb, 13);
        task.checkRange(Cdb.u64(cdb, 2), blocks);
        if (blocks > MAX_BLOCKS) {
            throw CheckCondition.invalidField(13, -1);
        }
        return blocks;
    }

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        int blocks = checkedBlocks(task);
        byte[] cdb = task.cdb();
        long lba = Cdb.u64(cdb, 2);
        int edtl = task.edtl();
        if (blocks == 0) {
            // 0 blocks is a no-op (SBC-3), but only when nothing is sent with it: an 8-bit
            // count that wrapped (256 -> 0) arrives with data, and is refused like any
            // count above our maximum rather than silently doing nothing.
            if (edtl != 0) {
                throw CheckCondition.invalidField(13, -1);
            }
            return CompletableFuture.completedFuture(ScsiResponses.good(0, edtl));
        }
        BlockStorage storage = task.storage();
        int half = blocks * storage.blockSize();
        long spdtl = 2L * half;
        if (Integer.toUnsignedLong(edtl) != spdtl || task.dataOut().readableBytes() < spdtl) {
            return CompletableFuture.completedFuture(ScsiResponses.checkCondition(
                    SenseData.of(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT),
                    spdtl, edtl));
        }
        boolean fua = Cdb.bit(cdb, 1, 3);
        ByteBuf data = task.takeDataOut();
        // data: owned here until split; the verify half is compared in place, the write half
        // goes to the storage as its own reference.
        return storage.readGate(lba, blocks)
                .thenCompose(v -> storage.read(lba, blocks, task.alloc()))
                .thenCompose(actual -> {
                    long mismatch;
                    try {
                        mismatch = VerifyHandler.firstMismatch(data.slice(data.readerIndex(), half), actual, 0);
                    } finally {
                        actual.release();
                    }
                    if (mismatch >= 0) {
                        return CompletableFuture.completedFuture(ScsiResponse.checkCondition(
                                SenseData.of(SenseKey.MISCOMPARE, AdditionalSense.MISCOMPARE_DURING_VERIFY_OPERATION)
                                        .withInformation(mismatch)));
                    }
                    ByteBuf write = data.retainedSlice(data.readerIndex() + half, half);
                    return storage.write(lba, write, fua).thenApply(v -> ScsiResponses.good(spdtl, edtl));
                })
                .whenComplete((r, e) -> data.release());
    }
}
