package net.twinblock.mirror.record;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Hook for the predictive record (DESIGN section 5): called around every host write on the
 * primary. {@link #beforeWrite} completes once the range is recorded durably on both nodes
 * (at once on a record hit); {@link #afterWrite} once the write is on both nodes (or failed);
 * {@link #flush} runs a host's flush, after which the extents it covers may leave the record.
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

    /**
     * A host's flush through {@code both}, which flushes both nodes and, where no secondary takes
     * the flush, marks the ranges it is given ({offset, length}: the record's dirty extents) as
     * changed for the secondary. Without a record there is nothing to mark or clean.
     */
    default CompletableFuture<Void> flush(Function<List<long[]>, CompletableFuture<Void>> both) {
        return both.apply(List.of());
    }
}
