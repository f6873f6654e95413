package net.twinblock.mirror.record;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Plugs the predictive record into the mirrored volume's write hook: {@code beforeWrite} admits
 * the write (a hit completes at once, a miss once the record is durable on both nodes) and
 * {@code afterWrite} ends it, and {@code flush} cleans what a host's flush of both nodes covers,
 * so its extents may leave the record.
 *
 * <p>The hook's contract matches the record's: {@code afterWrite} is called only for writes whose
 * {@code beforeWrite} succeeded.
 */
public final class RecordWriteIntent implements WriteIntent {

    private final PredictiveRecord record;

    public RecordWriteIntent(PredictiveRecord record) {
        this.record = record;
    }

    @Override
    public CompletableFuture<Void> beforeWrite(long offset, long length) {
        return record.admit(offset, length);
    }

    @Override
    public void afterWrite(long offset, long length) {
        record.complete(offset, length);
    }

    @Override
    public CompletableFuture<Void> flush(Supplier<CompletableFuture<Void>> both) {
        return record.flush(both::get);
    }
}
