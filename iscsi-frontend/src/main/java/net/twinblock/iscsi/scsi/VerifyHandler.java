package net.twinblock.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.lun.BlockStorage;

/**
 * VERIFY (10/12/16), SBC-3 §5.33. BYTCHK 0: the medium has no checks we could run beyond the
 * range, so GOOD. BYTCHK 1: compare the Data-Out with the blocks; BYTCHK 3 (SBC-4): compare
 * one Data-Out block with every block. A difference is MISCOMPARE with the byte offset of
 * the first difference in INFORMATION.
 */
final class VerifyHandler implements CommandHandler {

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        BlockRange range = checkedRange(task);
        int byteCheck = byteCheck(task.cdb());
        int edtl = task.edtl();
        if (range.blocks() == 0 || byteCheck == 0) {
            return CompletableFuture.completedFuture(ScsiResponses.good(0, edtl));
        }
        BlockStorage storage = task.storage();
        int blockSize = storage.blockSize();
        long spdtl = expectedBytes(range, byteCheck, blockSize);
        if (spdtl > Integer.toUnsignedLong(edtl) || task.dataOut().readableBytes() < spdtl) {
            return CompletableFuture.completedFuture(ScsiResponses.checkCondition(
                    SenseData.of(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT),
                    spdtl, edtl));
        }
        int blocks = (int) range.blocks();
        long lba = range.lba();
        // Data-Out stays owned by the task (released by the dispatcher when this completes).
        ByteBuf expected = task.dataOut();
        return storage.readGate(lba, blocks)
                .thenCompose(v -> storage.read(lba, blocks, task.alloc()))
                .thenApply(actual -> {
                    try {
                        long mismatch = firstMismatch(expected, actual, byteCheck == 3 ? blockSize : 0);
                        if (mismatch >= 0) {
                            return ScsiResponse.checkCondition(SenseData.of(SenseKey.MISCOMPARE,
                                    AdditionalSense.MISCOMPARE_DURING_VERIFY_OPERATION).withInformation(mismatch));
                        }
                        return ScsiResponses.good(spdtl, edtl);
                    } finally {
                        actual.release();
                    }
                });
    }

    /** BYTCHK 1 and 3 compare with Data-Out: all the blocks, or one block as a pattern. */
    @Override
    public long dataOutLength(ScsiTask task) {
        BlockRange range = checkedRange(task);
        int byteCheck = byteCheck(task.cdb());
        if (range.blocks() == 0 || byteCheck == 0) {
            return 0;
        }
        long spdtl = expectedBytes(range, byteCheck, task.storage().blockSize());
        return spdtl > Integer.toUnsignedLong(task.edtl()) ? 0 : spdtl; // too short an EDTL is refused
    }

    private static BlockRange checkedRange(ScsiTask task) {
        byte[] cdb = task.cdb();
        if ((cdb[1] & 0xe0) != 0) {
            throw CheckCondition.invalidField(1, 7); // VRPROTECT
        }
        if (byteCheck(cdb) == 2) {
            throw CheckCondition.invalidField(1, 2);
        }
        BlockRange range = BlockRange.of(cdb);
        task.checkRange(range.lba(), range.blocks());
        if (range.blocks() > task.limits().maxTransferBlocks()) {
            throw CheckCondition.invalidField(range.lengthOffset(), -1);
        }
        return range;
    }

    private static int byteCheck(byte[] cdb) {
        return (cdb[1] >>> 1) & 0x3;
    }

    private static long expectedBytes(BlockRange range, int byteCheck, int blockSize) {
        return byteCheck == 1 ? range.blocks() * blockSize : blockSize;
    }

    /**
     * Offset of the first differing byte, or -1. With {@code pattern > 0}, {@code expected}
     * holds one block compared against each block of {@code actual}.
     */
    static long firstMismatch(ByteBuf expected, ByteBuf actual, int pattern) {
        // One bulk copy each, then Arrays.mismatch: a getByte loop costs a call per byte (and a
        // stack trace per byte under paranoid leak detection, which made one VERIFY take
        // minutes). VERIFY is not a hot path, so the copy is the simple, fast choice.
        byte[] want = ByteBufUtil.getBytes(expected);
        byte[] got = ByteBufUtil.getBytes(actual);
        if (pattern <= 0) {
            int n = Math.min(want.length, got.length);
            return Arrays.mismatch(want, 0, n, got, 0, n);
        }
        for (int off = 0; off < got.length; off += pattern) {
            int len = Math.min(pattern, got.length - off);
            int at = Arrays.mismatch(want, 0, len, got, off, off + len);
            if (at >= 0) {
                return off + at;
            }
        }
        return -1;
    }
}
