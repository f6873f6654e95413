package net.twinblock.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.atomic.AtomicBoolean;
import net.twinblock.iscsi.lun.BlockStorage;
import net.twinblock.iscsi.lun.LogicalUnit;

/**
 * One command on its way through a handler: the request, the LU it addresses (null for an
 * unknown LUN) and the services handlers share. Owns {@code request.dataOut()} until a handler
 * claims it with {@link #takeDataOut()}; whatever is not claimed is released by the dispatcher
 * once the command has finished, so every path releases it exactly once.
 */
final class ScsiTask {

    /** CDBs are read at fixed offsets up to byte 15, so shorter ones are zero-padded once. */
    private static final int MIN_CDB_LENGTH = 16;

    private final ScsiRequest request;
    private final byte[] cdb;
    private final ScsiOpcode op;
    private final LogicalUnit lu;
    private final ScsiCommandDispatcher dispatcher;
    private final AtomicBoolean dataReleased = new AtomicBoolean();
    /** The target port the command arrived through: this node's, or the partner's for a forwarded one. */
    private final int relativePortId;

    ScsiTask(ScsiRequest request, ScsiOpcode op, LogicalUnit lu, ScsiCommandDispatcher dispatcher) {
        this(request, op, lu, dispatcher, lu == null ? 0 : lu.portGroup().relativePortId());
    }

    ScsiTask(ScsiRequest request, ScsiOpcode op, LogicalUnit lu, ScsiCommandDispatcher dispatcher,
            int relativePortId) {
        this.relativePortId = relativePortId;
        this.request = request;
        this.cdb = request.cdb().length >= MIN_CDB_LENGTH ? request.cdb()
                : java.util.Arrays.copyOf(request.cdb(), MIN_CDB_LENGTH);
        this.op = op;
        this.lu = lu;
        this.dispatcher = dispatcher;
    }

    ScsiRequest request() {
        return request;
    }

    byte[] cdb() {
        return cdb;
    }

    /** The relative target port the command arrived through (the partner's, when it forwarded the command). */
    int relativePortId() {
        return relativePortId;
    }

    ScsiOpcode op() {
        return op;
    }

    /** The addressed LU; null only for the commands that answer for any LUN. */
    LogicalUnit lu() {
        return lu;
    }

    BlockStorage storage() {
        return lu.storage();
    }

    BlockLimits limits() {
        return new BlockLimits(lu.storage().blockSize());
    }

    ScsiCommandDispatcher dispatcher() {
        return dispatcher;
    }

    ByteBufAllocator alloc() {
        return request.alloc();
    }

    int edtl() {
        return request.expectedDataTransferLength();
    }

    /** The Data-Out buffer for reading in place; still owned (and later released) by this task. */
    ByteBuf dataOut() {
        return request.dataOut();
    }

    /**
     * Hands the Data-Out buffer to the caller, who must release it (or pass it on, e.g. to
     * {@link BlockStorage#write}). Throws if it was already claimed or released.
     */
    ByteBuf takeDataOut() {
        if (!dataReleased.compareAndSet(false, true)) {
            throw new IllegalStateException("Data-Out already claimed");
        }
        return request.dataOut();
    }

    /** Releases Data-Out unless a handler claimed it. Idempotent. */
    void releaseUnclaimedData() {
        if (dataReleased.compareAndSet(false, true)) {
            request.dataOut().release();
        }
    }

    /**
     * SBC-3 range check: the whole range lies on the medium. Written so that a huge LBA or
     * length (up to 2^64-1, read as negative longs) cannot overflow into a false "in range".
     */
    void checkRange(long lba, long blocks) {
        long capacity = lu.storage().blockCount();
        if (Long.compareUnsigned(lba, capacity) > 0 || Long.compareUnsigned(blocks, capacity - lba) > 0) {
            throw CheckCondition.lbaOutOfRange();
        }
    }
}
