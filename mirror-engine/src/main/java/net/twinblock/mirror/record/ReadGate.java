package net.twinblock.mirror.record;

import java.util.concurrent.CompletableFuture;

/**
 * Hook for the predictive record on the secondary (DESIGN section 4): a read of a range that
 * may have a write in flight on the primary waits until the primary says nothing older is
 * pending there. The default admits every read at once.
 */
@FunctionalInterface
public interface ReadGate {

    ReadGate OPEN = (offset, length) -> CompletableFuture.completedFuture(null);

    CompletableFuture<Void> admit(long offset, long length);
}
