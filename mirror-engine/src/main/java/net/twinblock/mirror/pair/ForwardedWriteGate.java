package net.twinblock.mirror.pair;

import java.util.concurrent.CompletableFuture;

/**
 * Holds back, on the primary, the writes and discards the secondary forwarded, as the embedder
 * holds back its own hosts' writes: an embedder that runs a read-modify-write command (COMPARE
 * AND WRITE) alone against every other write of the volume needs to see those too.
 */
public interface ForwardedWriteGate {

    /** Completes when the forwarded write may run; it runs the returned action when it is done. */
    CompletableFuture<Runnable> admit();

    /** Nothing held back. */
    ForwardedWriteGate OPEN = () -> CompletableFuture.completedFuture(() -> { });
}
