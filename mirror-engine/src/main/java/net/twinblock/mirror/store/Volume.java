package net.twinblock.mirror.store;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A block volume as the engine exposes it: a local file today, the mirrored volume (local file
 * plus peer) once mirroring is on. Byte offsets, not LBAs: the engine does not care about the
 * SCSI block size beyond alignment, which callers guarantee.
 *
 * <p>All methods are asynchronous and never block the caller; futures complete on storage
 * threads and fail with {@link VolumeException}.
 */
public interface Volume extends AutoCloseable {

    /** Size in bytes. */
    long size();

    /** Logical block size in bytes (512 or 4096); the unit of alignment for every call. */
    int blockSize();

    /**
     * Reads {@code length} bytes at {@code offset} into a new buffer from {@code alloc}, owned by the
     * caller. A gated volume (a secondary) waits for its read gate inside read, so every read
     * is safe; there is no gate for callers to pass first.
     */
    CompletableFuture<ByteBuf> read(long offset, int length, ByteBufAllocator alloc);

    /**
     * Writes {@code data} at {@code offset}. Takes ownership of {@code data} and releases it
     * once written (or failed). With {@code fua} the data is durable before the future completes.
     */
    CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua);

    /** Makes all completed writes durable. Concurrent flushes share one fdatasync (group commit). */
    CompletableFuture<Void> flush();

    /** Deallocates the range; it reads back as zeros. */
    CompletableFuture<Void> discard(long offset, long length);

    /**
     * Which blocks of {@code [offset, offset + length)} hold data and which are holes, in order,
     * at most {@code maxRuns} runs from {@code offset} on (GET LBA STATUS). Advisory: a write or
     * discard racing with it may or may not be seen. A volume that cannot tell says "allocated".
     */
    default CompletableFuture<List<Allocation>> allocation(long offset, long length, int maxRuns) {
        return CompletableFuture.completedFuture(length == 0 ? List.of() : List.of(new Allocation(offset, length, true)));
    }

    @Override
    void close();
}
