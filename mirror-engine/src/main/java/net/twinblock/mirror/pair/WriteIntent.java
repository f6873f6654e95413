package net.twinblock.mirror.pair;

import java.util.concurrent.CompletableFuture;

/**
 * Hook for the predictive record (DESIGN section 5): called around every host write on the
 * primary. {@link #beforeWrite} completes once the range is recorded durably on both nodes
 * (at once on a record hit); {@link #afterWrite} once the write is on both nodes (or failed),
 * so the extent may leave the record.
 */
public interface WriteIntent {

    /** Records nothing: every write goes straight on. */
    WriteIntent NONE = new WriteIntent() {
        @Override
        public CompletableFuture<Void> beforeWrite(long offset, long length) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void afterWrite(long offset, long length) {
        }
    };

    CompletableFuture<Void> beforeWrite(long offset, long length);

    void afterWrite(long offset, long length);
}
