package net.twinblock.mirror.resync;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import net.twinblock.mirror.store.Volume;

/**
 * Hashes a run of regions of a volume: one read for the whole run, then each region's bytes
 * hashed in place in the read buffer. Both nodes run the same hasher over the same geometry.
 *
 * <p>The read runs on the volume's I/O threads, the hashing on an executor of the caller's: a
 * scan's CPU work must not hold a thread that host reads and writes wait for.
 */
public final class BlockHasher {

    /** Largest run read at once: bounds the memory a scan pins. */
    public static final int MAX_READ = 4 << 20;

    private final Volume volume;
    private final ChecksumAlgorithm algorithm;
    private final ScanGeometry geometry;
    private final ByteBufAllocator alloc;
    private final Executor hashing;

    /** Hashes where the read completes, on the volume's I/O thread (for callers without a thread of their own). */
    public BlockHasher(Volume volume, ChecksumAlgorithm algorithm, ScanGeometry geometry, ByteBufAllocator alloc) {
        this(volume, algorithm, geometry, alloc, Runnable::run);
    }

    /**
     * @param hashing runs the hashing once a read is in; a low-priority thread that is neither one of
     *     the volume's I/O threads nor an event loop
     */
    public BlockHasher(Volume volume, ChecksumAlgorithm algorithm, ScanGeometry geometry, ByteBufAllocator alloc,
            Executor hashing) {
        if (volume.size() != geometry.volumeSize() || volume.blockSize() != geometry.blockSize()) {
            throw new IllegalArgumentException("scan geometry " + geometry + " does not fit volume of "
                    + volume.size() + " bytes in blocks of " + volume.blockSize());
        }
        this.volume = volume;
        this.algorithm = algorithm;
        this.geometry = geometry;
        this.alloc = alloc;
        this.hashing = hashing;
    }

    public ChecksumAlgorithm algorithm() {
        return algorithm;
    }

    public ScanGeometry geometry() {
        return geometry;
    }

    public Volume volume() {
        return volume;
    }

    /** The most regions one {@link #hash} call may cover. */
    public int maxRegionsPerCall() {
        return Math.max(1, MAX_READ / geometry.regionBytes());
    }

    /**
     * Hashes regions {@code first .. first+count-1}. Completes on the hashing executor (never on
     * the caller's thread, which may be an event loop).
     */
    public CompletableFuture<HashBatch> hash(long first, int count) {
        if (first < 0 || count < 1 || count > maxRegionsPerCall() || first + count > geometry.regionCount()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("cannot hash " + count
                    + " regions from " + first + " of " + geometry.regionCount()));
        }
        long offset = geometry.offset(first);
        int length = (int) geometry.bytes(first, count);
        CompletableFuture<HashBatch> hashed = new CompletableFuture<>();
        volume.read(offset, length, alloc).whenComplete((data, err) -> {
            if (err != null) {
                hashed.completeExceptionally(err);
                return;
            }
            // The read buffer is ours: the hashing task releases it, or this thread if the task is refused.
            try {
                hashing.execute(() -> hashAndRelease(first, count, data, hashed));
            } catch (RejectedExecutionException e) {
                data.release();
                hashed.completeExceptionally(e);
            }
        });
        return hashed;
    }

    private void hashAndRelease(long first, int count, ByteBuf data, CompletableFuture<HashBatch> hashed) {
        HashBatch batch;
        try {
            batch = hashAll(first, count, data);
        } catch (Throwable e) {
            hashed.completeExceptionally(e);
            return;
        } finally {
            data.release(); // only hashes leave this method
        }
        hashed.complete(batch);
    }

    private HashBatch hashAll(long first, int count, ByteBuf data) {
        int n = algorithm.hashLength();
        byte[] hashes = new byte[count * n];
        ChecksumAlgorithm.Hasher hasher = algorithm.newHasher();
        // One NIO view of the whole read, sliced region by region: the buffer is touched once per batch.
        ByteBuffer all = data.nioBuffer(data.readerIndex(), data.readableBytes());
        int pos = 0;
        for (int i = 0; i < count; i++) {
            int len = geometry.blocksIn(first + i) * geometry.blockSize();
            hasher.hash(all.slice(pos, len), hashes, i * n);
            pos += len;
        }
        return new HashBatch(algorithm, first, count, hashes);
    }
}
