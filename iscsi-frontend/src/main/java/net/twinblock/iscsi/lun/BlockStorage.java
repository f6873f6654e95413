package net.twinblock.iscsi.lun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the SCSI layer needs from the storage behind a logical unit. The frontend defines it;
 * the server adapts the mirror engine's volume to it, so the frontend never sees mirroring.
 *
 * <p>Every method is non-blocking: it returns at once and completes its future from a storage
 * thread. Callers on a Netty event loop must not block on the future; they chain on it.
 * A future fails with {@link StorageException} to report a SCSI-visible error (medium error,
 * a retryable "not ready" while the mirror is suspended, ...).
 */
public interface BlockStorage {

    /** Logical block size in bytes: 512 or 4096. */
    int blockSize();

    /** Number of logical blocks. */
    long blockCount();

    /**
     * Reads {@code blocks} blocks at {@code lba}. The returned buffer (allocated from
     * {@code alloc}) belongs to the caller, who must release it.
     * Callers have already passed {@link #readGate} for the range.
     */
    CompletableFuture<ByteBuf> read(long lba, int blocks, ByteBufAllocator alloc);

    /**
     * Writes {@code data} (a whole number of blocks) at {@code lba}. Ownership of {@code data}
     * passes to the storage, which releases it once written, also on failure. With {@code fua}
     * the data is durable (fdatasync on every copy) before the future completes.
     */
    CompletableFuture<Void> write(long lba, ByteBuf data, boolean fua);

    /** Makes every completed write durable (SYNCHRONIZE CACHE). */
    CompletableFuture<Void> flush();

    /** Deallocates the range (UNMAP, WRITE SAME with UNMAP); it then reads as zeros. */
    CompletableFuture<Void> unmap(long lba, long blocks);

    /** True if {@link #unmap} really deallocates (drives LBPME in READ CAPACITY 16 and VPD 0xB2). */
    default boolean thinProvisioned() {
        return true;
    }

    /**
     * Which blocks from {@code lba} (a block of the medium) on are mapped and which deallocated,
     * in order and merged, at most {@code maxRuns} runs (GET LBA STATUS). Advisory: a write or
     * unmap racing with it may or may not be seen. This default says "all mapped", which is
     * always true to say of a block that reads back what it holds.
     */
    default CompletableFuture<List<ProvisioningRun>> provisioning(long lba, int maxRuns) {
        return CompletableFuture.completedFuture(lba >= blockCount() ? List.of()
                : List.of(new ProvisioningRun(lba, blockCount() - lba, true)));
    }

    /**
     * The read gate. Completes when a read of the range may be served from this node's copy
     * without returning stale data. On a primary or a standalone node it is already complete;
     * on a secondary it may first ask the primary whether writes are in flight there. Fails
     * with {@link StorageException} (retryable) when that cannot be known in time.
     */
    default CompletableFuture<Void> readGate(long lba, long blocks) {
        return CompletableFuture.completedFuture(null);
    }
}
