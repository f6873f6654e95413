package net.twinblock.mirror.record;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A gate that can be closed and opened on command: while held, record file writes queue at the
 * gate; {@link #release()} lets them all through, in order.
 */
public final class PersistHold implements PersistGate {

    private final List<CompletableFuture<Void>> waiting = new ArrayList<>();
    private boolean held;

    /** Stops every record persist that starts from now on, until {@link #release()}. */
    public synchronized void hold() {
        held = true;
    }

    /** Opens the gate and lets every held persist continue. */
    public void release() {
        List<CompletableFuture<Void>> go;
        synchronized (this) {
            held = false;
            go = new ArrayList<>(waiting);
            waiting.clear();
        }
        // Outside the lock: the persist continues on this thread and may come back to the gate.
        go.forEach(f -> f.complete(null));
    }

    /** Persists stopped at the gate right now. */
    public synchronized int waiting() {
        return waiting.size();
    }

    @Override
    public synchronized CompletableFuture<Void> beforePersist(RecordSnapshot snapshot) {
        if (!held) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> gate = new CompletableFuture<>();
        waiting.add(gate);
        return gate;
    }
}
