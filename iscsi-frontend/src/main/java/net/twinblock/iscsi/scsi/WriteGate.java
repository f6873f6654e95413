package net.twinblock.iscsi.scsi;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Makes the read-modify-write commands (COMPARE AND WRITE, ORWRITE) atomic against every other
 * write to the LU: an asynchronous readers-writer gate where ordinary writes are shared and those
 * commands are exclusive. Nobody waits on a thread: a command that may not pass gets a future
 * completed when it may.
 *
 * <p>A waiting exclusive command holds back new writes (so a stream of writes cannot starve
 * it); it is rare, so the cost on the write path is one uncontended monitor per acquire and
 * release. Completions run outside the monitor.
 */
final class WriteGate {

    /** The commands that read blocks and write them back, which must hold the gate alone. */
    static boolean exclusive(ScsiOpcode op) {
        return op == ScsiOpcode.COMPARE_AND_WRITE || op == ScsiOpcode.ORWRITE_16;
    }

    private static final CompletableFuture<Void> ADMITTED = CompletableFuture.completedFuture(null);

    private int sharedHolders;
    private boolean exclusiveHeld;
    private final ArrayDeque<CompletableFuture<Void>> waitingExclusive = new ArrayDeque<>();
    private final ArrayDeque<CompletableFuture<Void>> waitingShared = new ArrayDeque<>();

    CompletableFuture<Void> acquireShared() {
        synchronized (this) {
            if (!exclusiveHeld && waitingExclusive.isEmpty()) {
                sharedHolders++;
                return ADMITTED;
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            waitingShared.add(f);
            return f;
        }
    }

    CompletableFuture<Void> acquireExclusive() {
        synchronized (this) {
            if (!exclusiveHeld && sharedHolders == 0) {
                exclusiveHeld = true;
                return ADMITTED;
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            waitingExclusive.add(f);
            return f;
        }
    }

    void releaseShared() {
        CompletableFuture<Void> next = null;
        synchronized (this) {
            sharedHolders--;
            if (sharedHolders == 0 && !waitingExclusive.isEmpty()) {
                exclusiveHeld = true;
                next = waitingExclusive.poll();
            }
        }
        if (next != null) {
            next.complete(null);
        }
    }

    void releaseExclusive() {
        CompletableFuture<Void> nextExclusive = null;
        List<CompletableFuture<Void>> admitted = new ArrayList<>();
        synchronized (this) {
            if (!waitingExclusive.isEmpty()) {
                nextExclusive = waitingExclusive.poll(); // stays held, handed over
            } else {
                exclusiveHeld = false;
                admitted.addAll(waitingShared);
                waitingShared.clear();
                sharedHolders += admitted.size();
            }
        }
        if (nextExclusive != null) {
            nextExclusive.complete(null);
        }
        admitted.forEach(f -> f.complete(null));
    }
}
