package net.twinblock.mirror.record;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

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
     * A host's flush through {@code both}, the mirroring side's flush of both nodes; once it
     * succeeded the record may forget the extents it covered. Without a record, just the flush.
     */
    default CompletableFuture<Void> flush(Supplier<CompletableFuture<Void>> both) {
        return both.get();
    }
}
