package net.twinblock.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.lun.BlockStorage;

/**
 * WRITE SAME (10) and (16), SBC-3 §5.41/§5.42.
 *
 * <p>With the UNMAP bit on a thin LU the range is deallocated, whatever the block holds: the
 * host asked for that (SBC-3 §5.42: with UNMAP=1 and ANCHOR=0 a thin LU "should deallocate each
 * LBA"), as tgt and LIO do, and the range then reads as zeros, as LBPRZ=1 promises. Linux only
 * ever sends zeros with UNMAP; a non-zero block with UNMAP reads back as zeros, not as the block.
 * WSNZ=0 is advertised: 0 blocks means from the LBA to the end of the medium (SBC-3 §5.42),
 * which like any WRITE SAME is refused beyond the MAXIMUM WRITE SAME LENGTH, so a zeroed CDB
 * cannot wipe more than that.
 */
final class WriteSameHandler implements CommandHandler {

    /** Pattern writes go down in pieces of this many bytes, one at a time. */
    private static final int CHUNK_BYTES = 1024 * 1024;

    /** One block of pattern, unless NDOB; an EDTL other than one block is refused. */
    @Override
    public long dataOutLength(ScsiTask task) {
        checkedRange(task);
        int blockSize = task.storage().blockSize();
        return noDataOut(task) || task.edtl() != blockSize ? 0 : blockSize;
    }

    private static boolean noDataOut(ScsiTask task) {
        return task.op() == ScsiOpcode.WRITE_SAME_16 && Cdb.bit(task.cdb(), 1, 0);
    }

    private static BlockRange checkedRange(ScsiTask task) {
        byte[] cdb = task.cdb();
        if ((cdb[1] & 0xe0) != 0) {
            throw CheckCondition.invalidField(1, 7); // WRPROTECT
        }
        if (Cdb.bit(cdb, 1, 4)) {
            throw CheckCondition.invalidField(1, 4); // ANCHOR: ANC_SUP is 0
        }
        if ((cdb[1] & 0x06) != 0) {
            throw CheckCondition.invalidField(1, Cdb.bit(cdb, 1, 2) ? 2 : 1); // PBDATA/LBDATA, obsolete
        }
        BlockRange range = BlockRange.of(cdb);
        long capacity = task.storage().blockCount();
        if (range.blocks() == 0) {
            // To the end of the medium, which starts at a block that exists.
            if (Long.compareUnsigned(range.lba(), capacity) >= 0) {
                throw CheckCondition.lbaOutOfRange();
            }
            range = new BlockRange(range.lba(), capacity - range.lba(), range.lengthOffset());
        }
        task.checkRange(range.lba(), range.blocks());
        if (range.blocks() > task.limits().maxWriteSameBlocks()) {
            throw CheckCondition.invalidField(range.lengthOffset(), -1);
        }
        return range;
    }

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        BlockRange range = checkedRange(task);
        byte[] cdb = task.cdb();
        boolean unmap = Cdb.bit(cdb, 1, 3);
        boolean noDataOut = noDataOut(task);
        BlockStorage storage = task.storage();
        int blockSize = storage.blockSize();
        int edtl = task.edtl();
        int spdtl = noDataOut ? 0 : blockSize;
        if (!noDataOut && (edtl != blockSize || task.dataOut().readableBytes() < blockSize)) {
            return CompletableFuture.completedFuture(ScsiResponses.checkCondition(
                    SenseData.of(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT),
                    spdtl, edtl));
        }
        ByteBuf block = task.dataOut();
        boolean zeros = noDataOut || isZero(block, blockSize);
        if (unmap && storage.thinProvisioned()) {
            return storage.unmap(range.lba(), range.blocks()).thenApply(v -> ScsiResponses.good(spdtl, edtl));
        }
        ByteBuf chunk = patternChunk(task, block, zeros, range.blocks());
        // chunk: owned here, each write gets its own retained slice; released once all are done.
        int chunkBlocks = chunk.readableBytes() / blockSize;
        return writeChunks(storage, chunk, chunkBlocks, blockSize, range.lba(), range.blocks())
                .whenComplete((v, e) -> chunk.release())
                .thenApply(v -> ScsiResponses.good(spdtl, edtl));
    }

    private static ByteBuf patternChunk(ScsiTask task, ByteBuf block, boolean zeros, long blocks) {
        int blockSize = task.storage().blockSize();
        int chunkBlocks = (int) Math.min(blocks, Math.max(1, CHUNK_BYTES / blockSize));
        ByteBuf chunk = task.alloc().buffer(chunkBlocks * blockSize);
        if (zeros) {
            chunk.writeZero(chunkBlocks * blockSize);
        } else {
            for (int i = 0; i < chunkBlocks; i++) {
                chunk.writeBytes(block, block.readerIndex(), blockSize);
            }
        }
        return chunk;
    }

    private static CompletableFuture<Void> writeChunks(BlockStorage storage, ByteBuf chunk, int chunkBlocks,
                                                       int blockSize, long lba, long remaining) {
        if (remaining == 0) {
            return CompletableFuture.completedFuture(null);
        }
        int n = (int) Math.min(chunkBlocks, remaining);
        // piece: ownership passes to the storage.
        ByteBuf piece = chunk.retainedSlice(chunk.readerIndex(), n * blockSize);
        return storage.write(lba, piece, false)
                .thenCompose(v -> writeChunks(storage, chunk, chunkBlocks, blockSize, lba + n, remaining - n));
    }

    private static boolean isZero(ByteBuf buf, int length) {
        int base = buf.readerIndex();
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            if (buf.getLong(base + i) != 0) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (buf.getByte(base + i) != 0) {
                return false;
            }
        }
        return true;
    }
}
