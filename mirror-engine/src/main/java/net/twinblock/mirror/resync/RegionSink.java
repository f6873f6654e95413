package net.twinblock.mirror.resync;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Where resync and repair copies go: the peer, through the link (or a local volume in tests).
 *
 * <p>Two kinds: a sink whose writes are durable when they complete (written with FUA; it keeps
 * the default {@link #flush()}), and a batching sink whose writes only reach the peer's page cache
 * and become durable with a later {@link #flush()}: one fdatasync for many regions instead of one
 * each. A caller that forgets a region once it is copied (the bitmap resync) must flush first;
 * {@link BlockCopier} and the scrubber do not flush, so give them durable writes.
 */
@FunctionalInterface
public interface RegionSink {

    /**
     * Sends {@code data} to be written at {@code offset} on the peer. Takes ownership of
     * {@code data} and releases it exactly once, also when it fails or throws.
     *
     * @return completes once the peer has written the bytes (a later write to the range lands
     *     after them); durably, unless this sink batches durability in {@link #flush()}
     */
    CompletableFuture<Void> write(long offset, ByteBuf data);

    /**
     * Makes every write of this sink that completed before the call durable on the peer; fails if
     * that cannot be vouched for (e.g. the link those writes went over is gone). The default has
     * nothing to do: its writes are durable already.
     */
    default CompletableFuture<Void> flush() {
        return CompletableFuture.completedFuture(null);
    }

    /** A batching sink: {@code writes} need not be durable, {@code flush} makes them so. */
    static RegionSink batching(RegionSink writes, Supplier<CompletableFuture<Void>> flush) {
        Objects.requireNonNull(writes, "writes");
        Objects.requireNonNull(flush, "flush");
        return new RegionSink() {
            @Override
            public CompletableFuture<Void> write(long offset, ByteBuf data) {
                return writes.write(offset, data);
            }

            @Override
            public CompletableFuture<Void> flush() {
                return flush.get();
            }
        };
    }
}
