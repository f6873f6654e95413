package net.twinblock.mirror.resync;

import java.util.concurrent.CompletableFuture;

/**
 * What a resync or repair copy needs from the write path: the range to itself while it reads
 * the source and the peer writes it, so that no host write lands on the peer before the copy's
 * older data does. The mirrored volume's own range lock, which already holds each write's range
 * until both nodes have it, is the implementation ({@code RangeLock.forCopies()}).
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
