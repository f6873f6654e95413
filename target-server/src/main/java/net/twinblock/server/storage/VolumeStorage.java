package net.twinblock.server.storage;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import net.twinblock.iscsi.lun.BlockStorage;
import net.twinblock.iscsi.lun.ProvisioningRun;
import net.twinblock.iscsi.lun.StorageException;
import net.twinblock.mirror.store.Volume;
import net.twinblock.mirror.store.VolumeException;
import net.twinblock.server.metrics.StorageCounters;

/**
 * Presents an engine {@link Volume} (bytes) as the frontend's {@link BlockStorage} (blocks):
 * LBA and block counts become byte offsets and lengths, and engine failures become the
 * storage errors the SCSI layer turns into sense data:
 * <ul>
 *   <li>{@link VolumeException#retryable()} -&gt; NOT_READY_RETRYABLE (the host retries: mirror
 *       suspended, read gate timed out);</li>
 *   <li>an {@link IOException} underneath, a poisoned flush or a detached volume -&gt; MEDIUM_ERROR
 *       (the disk said no);</li>
 *   <li>a detached copy whose partner serves -&gt; TRANSITIONING (multipath moves to the partner);</li>
 *   <li>anything else -&gt; INTERNAL (a bug: HARDWARE ERROR, never silently GOOD).</li>
 * </ul>
 * It also counts operations and bytes for the metrics endpoint.
 */
public final class VolumeStorage implements BlockStorage {

    private final Volume volume;
    private final StorageCounters counters;
    private final int blockSize;
    private final long blockCount;

    public VolumeStorage(Volume volume, StorageCounters counters) {
        this.volume = volume;
        this.counters = counters;
        this.blockSize = volume.blockSize();
        this.blockCount = volume.size() / blockSize;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public long blockCount() {
        return blockCount;
    }

    @Override
    public CompletableFuture<ByteBuf> read(long lba, int blocks, ByteBufAllocator alloc) {
        long offset;
        int length;
        try {
            offset = byteOffset(lba, blocks);
            length = Math.multiplyExact(blocks, blockSize);
        } catch (RuntimeException e) {
            return failed(e);
        }
        // The buffer the volume returns passes to our caller untouched: we only count it.
        return translate(() -> volume.read(offset, length, alloc)).thenApply(buf -> {
            counters.read(buf.readableBytes());
            return buf;
        });
    }

    @Override
    public CompletableFuture<Void> write(long lba, ByteBuf data, boolean fua) {
        int length = data.readableBytes(); // read now: once handed over, data may already be released
        long offset;
        try {
            if (length % blockSize != 0) {
                throw new IllegalArgumentException("write of " + length + " bytes is not a whole number of "
                        + blockSize + "-byte blocks");
            }
            offset = byteOffset(lba, length / blockSize);
        } catch (RuntimeException e) {
            // We own data until the volume takes it: release it here, on the refusal path only.
            ReferenceCountUtil.release(data);
            return failed(e);
        }
        // Ownership of data passes to the volume, which releases it on every path.
        return translate(() -> volume.write(offset, data, fua)).thenRun(() -> counters.written(length));
    }

    @Override
    public CompletableFuture<Void> flush() {
        return translate(volume::flush).thenRun(counters::flushed);
    }

    @Override
    public CompletableFuture<Void> unmap(long lba, long blocks) {
        long offset;
        long length;
        try {
            offset = byteOffset(lba, blocks);
            length = Math.multiplyExact(blocks, (long) blockSize);
        } catch (RuntimeException e) {
            return failed(e);
        }
        return translate(() -> volume.discard(offset, length)).thenRun(() -> counters.unmapped(length));
    }

    /** The volume file's data runs and holes from {@code lba} to the end, in blocks. */
    @Override
    public CompletableFuture<List<ProvisioningRun>> provisioning(long lba, int maxRuns) {
        long offset;
        long length;
        try {
            offset = byteOffset(lba, blockCount - lba);
            length = (blockCount - lba) * blockSize;
        } catch (RuntimeException e) {
            return failed(e);
        }
        return translate(() -> volume.allocation(offset, length, maxRuns)).thenApply(runs -> runs.stream()
                .map(r -> new ProvisioningRun(r.offset() / blockSize, r.length() / blockSize, r.allocated()))
                .toList());
    }

    /**
     * Always open: the engine's volume gates inside {@link Volume#read} (a secondary asks its
     * primary there), so gating here too would cost a second status query per read.
     */
    @Override
    public CompletableFuture<Void> readGate(long lba, long blocks) {
        return CompletableFuture.completedFuture(null);
    }

    /** The byte offset of {@code lba}, refusing ranges outside the volume (the SCSI layer checks first). */
    private long byteOffset(long lba, long blocks) {
        if (lba < 0 || blocks < 0 || lba > blockCount || blocks > blockCount - lba) {
            throw new IllegalArgumentException("blocks " + lba + "+" + blocks + " outside the volume of "
                    + blockCount + " blocks");
        }
        return lba * blockSize;
    }

    /** Runs a volume call; a synchronous throw or a failed future both become a StorageException. */
    private <T> CompletableFuture<T> translate(Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> f;
        try {
            f = call.get();
        } catch (RuntimeException e) {
            return failed(e);
        }
        return f.exceptionallyCompose(this::failed);
    }

    private <T> CompletableFuture<T> failed(Throwable t) {
        StorageException e = toStorageException(t);
        counters.failed(e.kind());
        return CompletableFuture.failedFuture(e);
    }

    /** Maps an engine failure to what the SCSI layer should tell the host. */
    static StorageException toStorageException(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof StorageException se) {
            return se;
        }
        String message = String.valueOf(cause.getMessage());
        StorageException.Kind kind = switch (VolumeException.faultOf(cause)) {
            case NOT_READY -> StorageException.Kind.NOT_READY_RETRYABLE;
            case NO_SPACE -> StorageException.Kind.SPACE_EXHAUSTED;
            case IO_ERROR, FLUSH_POISONED, DETACHED -> StorageException.Kind.MEDIUM_ERROR;
            case ELSEWHERE -> StorageException.Kind.TRANSITIONING;
            case OTHER -> StorageException.Kind.INTERNAL;
        };
        return new StorageException(kind, message, cause);
    }
}
