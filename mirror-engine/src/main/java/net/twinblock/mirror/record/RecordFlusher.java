package net.twinblock.mirror.record;

import java.util.concurrent.CompletableFuture;

/**
 * Makes the record's dirty extents safe to forget (DESIGN section 5): the mirroring side flushes
 * both nodes, so every write completed before the call is durable on the primary and on the
 * secondary that acknowledged it. Where no secondary can take the flush and the policy lets the
 * primary go on alone, what the secondary acknowledged without a flush is on the outage bitmap
 * (put there when the link was lost) and the metadata durably says "not clean" before the flush
 * succeeds; the next resync copies it. Fails if neither holds; the extents then stay recorded.
 */
@FunctionalInterface
public interface RecordFlusher {

    CompletableFuture<Void> flush();
}
