package net.twinblock.mirror.resync;

import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import net.twinblock.mirror.store.Volume;

/**
 * Copies block ranges from the local volume to the peer: what a checksum scan found different,
 * or a scrub repairs. Each chunk is read and sent under the write path's {@link CopyLock} (when
 * given), so a repair, like a bitmap resync, never puts data older than a concurrent host write
 * on the peer.
 */
public final class BlockCopier {

    private final Volume source;
    private final RegionSink sink;
    private final CopyLock lock;
    private final ByteBufAllocator alloc;
    private final int maxChunk;
    private final LongAdder blocksCopied = new LongAdder();

    /**
     * @param lock the write path's region lock, or null when no host writes can run (tests, offline)
     * @param maxChunkBytes largest single read and send, a multiple of the block size
     */
    public BlockCopier(Volume source, RegionSink sink, CopyLock lock, ByteBufAllocator alloc, int maxChunkBytes) {
        if (maxChunkBytes < source.blockSize() || maxChunkBytes % source.blockSize() != 0) {
            throw new IllegalArgumentException("copy chunk " + maxChunkBytes + " must be a multiple of the block size "
                    + source.blockSize());
        }
        this.source = source;
        this.sink = sink;
        this.lock = lock;
        this.alloc = alloc;
        this.maxChunk = maxChunkBytes;
    }

    /** Copies the ranges one chunk at a time; completes with the number of blocks copied. */
    public CompletableFuture<Long> copy(List<DifferingBlocks> ranges) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        long blocks = 0;
        int bs = source.blockSize();
        for (DifferingBlocks range : ranges) {
            long end = range.offset(bs) + range.length(bs);
            for (long pos = range.offset(bs); pos < end; pos += maxChunk) {
                long offset = pos;
                int length = (int) Math.min(maxChunk, end - pos);
                chain = chain.thenCompose(v -> copyChunk(offset, length));
            }
            blocks += range.count();
        }
        long total = blocks;
        return chain.thenApply(v -> total);
    }

    private CompletableFuture<Void> copyChunk(long offset, int length) {
        if (lock == null) {
            return readAndSend(offset, length);
        }
        return lock.lockForCopy(offset, length)
                .thenCompose(hold -> readAndSend(offset, length).whenComplete((ok, e) -> hold.release()));
    }

    private CompletableFuture<Void> readAndSend(long offset, int length) {
        // The read buffer passes to the sink, which owns and releases it.
        return source.read(offset, length, alloc).thenCompose(data -> sink.write(offset, data))
                .thenRun(() -> blocksCopied.add(length / source.blockSize()));
    }

    public long blocksCopied() {
        return blocksCopied.sum();
    }
}
