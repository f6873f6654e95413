package net.twinblock.mirror.pair;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.twinblock.mirror.store.Allocation;
import net.twinblock.mirror.store.Volume;
import net.twinblock.mirror.store.VolumeException;

/**
 * The volume a node exports: stable across promotion, it hands each operation to the mirrored
 * volume while the node is primary and to the forwarding volume while secondary. A write after
 * the node closed fails retryable (its buffer released here, as the write's new owner).
 */
final class RoleVolume implements Volume {

    /** Between roles (a demotion): operations fail as retryable until the node serves as secondary. */
    static final Volume REFUSING = new Volume() {
        private CompletableFuture<Void> refuse() {
            return CompletableFuture.failedFuture(new VolumeException("this node is changing role", true));
        }

        @Override
        public long size() {
            throw new UnsupportedOperationException("RoleVolume answers the size");
        }

        @Override
        public int blockSize() {
            throw new UnsupportedOperationException("RoleVolume answers the block size");
        }

        @Override
        public CompletableFuture<ByteBuf> read(long offset, int length, ByteBufAllocator alloc) {
            return refuse().thenApply(v -> null);
        }

        @Override
        public CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua) {
            data.release(); // the write's owner now
            return refuse();
        }

        @Override
        public CompletableFuture<Void> flush() {
            return refuse();
        }

        @Override
        public CompletableFuture<Void> discard(long offset, long length) {
            return refuse();
        }

        @Override
        public void close() {
        }
    };

    private final PairVolume node;
    private volatile Volume current;

    RoleVolume(PairVolume node) {
        this.node = node;
    }

    /** The node's role changed: operations go to {@code v} from now on. */
    void follow(Volume v) {
        current = v;
    }

    Volume current() {
        return current;
    }

    @Override
    public long size() {
        return node.volume.local.size();
    }

    @Override
    public int blockSize() {
        return node.volume.local.blockSize();
    }

    @Override
    public CompletableFuture<ByteBuf> read(long offset, int length, ByteBufAllocator alloc) {
        return current.read(offset, length, alloc);
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua) {
        if (node.closed()) {
            data.release();
            return CompletableFuture.failedFuture(new VolumeException("the pair node is closed", true));
        }
        return current.write(offset, data, fua);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return current.flush();
    }

    @Override
    public CompletableFuture<Void> discard(long offset, long length) {
        return current.discard(offset, length);
    }

    /** This node's own file answers, whatever the role: the status is advisory and the data the same on both. */
    @Override
    public CompletableFuture<List<Allocation>> allocation(long offset, long length, int maxRuns) {
        return node.volume.local.allocation(offset, length, maxRuns);
    }

    @Override
    public void close() {
        node.node().close();
    }
}
