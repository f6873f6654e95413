package net.twinblock.mirror.resync;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/** Where resync and repair copies go: the peer, through the link (or a local volume in tests). */
@FunctionalInterface
public interface RegionSink {

    /**
     * Sends {@code data} to be written at {@code offset} on the peer. Takes ownership of
     * {@code data} and releases it exactly once, also when it fails or throws.
     *
     * @return completes once the peer has the bytes <em>durably</em> (written with FUA): the
     *     sender forgets the region when it completes, so a peer crash must not lose them
     */
    CompletableFuture<Void> write(long offset, ByteBuf data);
}
