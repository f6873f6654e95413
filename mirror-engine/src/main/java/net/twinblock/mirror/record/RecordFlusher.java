package net.twinblock.mirror.record;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Makes the record's dirty extents safe to forget (DESIGN section 5): the mirroring side flushes
 * both nodes, so every write completed before the call is durable on the primary and on the
 * secondary that acknowledged it. Where no secondary can take the flush and the policy lets the
 * primary go on alone, it instead marks {@code dirtyRanges} ({offset, length} byte ranges) as
 * changed for the secondary (the outage bitmap, backed by durable "not clean" metadata), which
 * the next resync copies. Fails if neither holds; the extents then stay recorded.
 */
@FunctionalInterface
public interface RecordFlusher {

    CompletableFuture<Void> flush(List<long[]> dirtyRanges);
}
