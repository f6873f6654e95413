package net.twinblock.mirror.record;

import java.util.concurrent.CompletableFuture;

/**
 * Decides when a node's record file write may start. Production uses {@link #OPEN}; tests (and
 * fault drills) install a {@code PersistHold} (test sources) to stop persistence at a known point and prove that
 * no host write completes before the record covering it is durable, without sleeping.
 */
@FunctionalInterface
public interface PersistGate {

    /** Lets every persist go ahead at once. */
    PersistGate OPEN = snapshot -> CompletableFuture.completedFuture(null);

    /** Completes when the file write of {@code snapshot} may start; a failure fails that persist. */
    CompletableFuture<Void> beforePersist(RecordSnapshot snapshot);
}
