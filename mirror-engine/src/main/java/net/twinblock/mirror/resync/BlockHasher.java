package net.twinblock.mirror.resync;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.CompletableFuture;
import net.twinblock.mirror.store.Volume;

/**
 * Hashes a run of regions of a volume: one read for the whole run, then each region's bytes
 * hashed in place in the read buffer. Both nodes run the same hasher over the same geometry.
 */
public final class BlockHasher {

    /** Largest run read at once: bounds the memory a scan pins. */
    public static final int MAX_READ = 4 << 20;

    private final Volume volume;
    private final ChecksumAlgorithm algorithm;
    private final ScanGeometry geometry;
    private final ByteBufAllocator alloc;

    public BlockHasher(Volume volume, ChecksumAlgorithm algorithm, ScanGeometry geometry, ByteBufAllocator alloc) {
        if (volume.size() != geometry.volumeSize() || volume.blockSize() != geometry.blockSize()) {
            throw new IllegalArgumentException("scan geometry " + geometry + " does not fit volume of "
                    + volume.size() + " bytes in blocks of " + volume.blockSize());
        }
        this.volume = volume;
        this.algorithm = algorithm;
        this.geometry = geometry;
        this.alloc = alloc;
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
     * Hashes regions {@code first .. first+count-1}. Completes on the volume's I/O thread, where
     * the hashing also runs (never on the caller's, which may be an event loop).
     */
    public CompletableFuture<HashBatch> hash(long first, int count) {
        if (first < 0 || count < 1 || count > maxRegionsPerCall() || first + count > geometry.regionCount()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("cannot hash " + count
                    + " regions from " + first + " of " + geometry.regionCount()));
        }
        long offset = geometry.offset(first);
        int length = (int) geometry.bytes(first, count);
        return volume.read(offset, length, alloc).thenApply(data -> {
            try {
                return hashAll(first, count, data);
            } finally {
                data.release(); // the read buffer is ours; only hashes leave this method
            }
        });
    }

    private HashBatch hashAll(long first, int count, ByteBuf data) {
        int n = algorithm.hashLength();
        byte[] hashes = new byte[count * n];
        ChecksumAlgorithm.Hasher hasher = algorithm.newHasher();
        int pos = data.readerIndex();
        for (int i = 0; i < count; i++) {
            int len = geometry.blocksIn(first + i) * geometry.blockSize();
            hasher.hash(data, pos, len, hashes, i * n);
            pos += len;
        }
        return new HashBatch(algorithm, first, count, hashes);
    }
}
