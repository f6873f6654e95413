package net.twinblock.mirror.resync;

import java.util.concurrent.CompletableFuture;

/**
 * What a resync or repair copy needs from the write path: the range to itself while it reads
 * the source and the peer writes it, so that no host write lands on the peer before the copy's
 * older data does. {@link RegionLock} is one implementation; the mirrored volume's own range
 * lock (which already holds each write's range until both nodes have it) fits as well:
 * {@code (offset, length) -> rangeLock.acquire(offset, length).thenApply(lease -> lease::close)}.
 */
@FunctionalInterface
public interface CopyLock {

    /** A granted lock; release it exactly once. */
    @FunctionalInterface
    interface Hold {
        void release();
    }

    /**
     * Completes once no host write to the range is in flight; none starts until the hold is
     * released. Never blocks the caller.
     */
    CompletableFuture<Hold> lockForCopy(long offset, long length);
}
