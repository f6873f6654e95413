package net.twinblock.mirror.resync;

/**
 * Told about every byte range written locally while the peer cannot receive it, so that only
 * those ranges need copying when the peer returns.
 *
 * <p>Defined here, in the resync package, because the mirrored volume (package pair) reports to
 * it and the resync consumes what it recorded; implementations must be cheap and thread-safe,
 * since they run on the write path.
 */
@FunctionalInterface
public interface DivergenceTracker {

    /** Records that {@code length} bytes at {@code offset} changed without reaching the peer. */
    void markChanged(long offset, long length);
}
