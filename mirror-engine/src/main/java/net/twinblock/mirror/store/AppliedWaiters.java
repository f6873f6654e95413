package net.twinblock.mirror.store;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reads waiting for the {@link Journal} to apply what it took before them ({@link
 * Journal#applied}). Called under the journal's lock; the futures are completed outside it.
 */
final class AppliedWaiters {

    private record Waiter(long target, CompletableFuture<Void> done) {
    }

    private final List<Waiter> waiters = new ArrayList<>();

    /** A future for a read that waits until {@code target} calls are applied. */
    CompletableFuture<Void> add(long target) {
        Waiter w = new Waiter(target, new CompletableFuture<>());
        waiters.add(w);
        return w.done;
    }

    /** Removes and returns the waiters {@code applied} calls satisfy, or every one if the journal failed. */
    List<CompletableFuture<Void>> ready(long applied, boolean failed) {
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext();) {
            Waiter w = it.next();
            if (failed || w.target() <= applied) {
                it.remove();
                ready.add(w.done());
            }
        }
        return ready;
    }
}
