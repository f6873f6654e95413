package net.twinblock.mirror.record;

import java.util.concurrent.CompletableFuture;

/**
 * Sends a record update to the secondary. The mirroring side implements it: it ships the
 * snapshot ({@link RecordSnapshot#toBytes()}) over the peer link, the secondary persists it with
 * {@link SecondaryRecord#apply(RecordSnapshot)} and acknowledges.
 *
 * <p>The future completes when the secondary's copy is durable. Writes waiting on the update are
 * released only when both this future and the local file write completed. A failed future fails
 * those writes; a mirroring side that decides to run without its peer (degraded mode, its bitmap
 * now covering the changes) completes the future normally instead.
 *
 * <p>Calls come one at a time, in generation order: the record never starts an update before
 * the previous one finished.
 */
@FunctionalInterface
public interface RecordReplicator {

    /** For a node without a peer: only the local record is kept. */
    RecordReplicator LOCAL_ONLY = snapshot -> CompletableFuture.completedFuture(null);

    CompletableFuture<Void> replicate(RecordSnapshot snapshot);
}
