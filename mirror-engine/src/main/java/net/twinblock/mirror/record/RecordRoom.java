package net.twinblock.mirror.record;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link PredictiveRecord}'s back-pressure when it is full: the misses that found no room,
 * waiting in arrival order, and the one flush of both nodes at a time that cleans dirty idle
 * extents to make room (through the {@link RecordFlusher}).
 *
 * <p>Apart from the record so that class keeps admission and the extents' states, and this one
 * who waits for room and whether a room flush runs. Not thread-safe on its own: the record calls
 * every method holding its lock; the flush it starts runs from the {@code after} list, which the
 * record runs after letting go of it, and the flush's end comes back through the record.
 */
final class RecordRoom {

    /** A miss that found no room; retried in arrival order as writes complete. */
    private record Waiter(long offset, long length, List<Extent> predicted, CompletableFuture<Void> admitted) {
    }

    /** Tries to admit a waiting miss: its admission future, or null if there is still no room. */
    interface Admission {
        CompletableFuture<Void> admit(long offset, long length, List<Extent> predicted);
    }

    /** Told when a room flush ends; {@code err} null if it succeeded. */
    interface FlushEnded {
        void ended(long mark, Throwable err);
    }

    private final RecordFlusher flusher;
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private boolean flushRunning;
    private long waits;
    private long flushes;

    RecordRoom(RecordFlusher flusher) {
        this.flusher = flusher;
    }

    boolean anyWaiting() {
        return !waiting.isEmpty();
    }

    /** A miss that found no room: the future completes when it is admitted, or fails. */
    CompletableFuture<Void> await(long offset, long length, List<Extent> predicted) {
        waits++;
        CompletableFuture<Void> admitted = new CompletableFuture<>();
        waiting.add(new Waiter(offset, length, predicted, admitted));
        return admitted;
    }

    /** Admits waiting misses in arrival order, stopping at the first that still finds no room. */
    void admitWaiting(Admission admission, List<Runnable> after) {
        while (!waiting.isEmpty()) {
            Waiter w = waiting.peek();
            CompletableFuture<Void> admitted = admission.admit(w.offset, w.length, w.predicted);
            if (admitted == null) {
                break;
            }
            waiting.poll(); // counted as a miss on arrival: it waited
            after.add(() -> admitted.whenComplete((v, err) -> {
                if (err != null) {
                    w.admitted.completeExceptionally(err);
                } else {
                    w.admitted.complete(null);
                }
            }));
        }
    }

    /** Takes every waiting miss out, to fail it outside the lock. */
    List<CompletableFuture<Void>> drain() {
        List<CompletableFuture<Void>> drained = new ArrayList<>(waiting.size());
        for (Waiter w : waiting) {
            drained.add(w.admitted);
        }
        waiting.clear();
        return drained;
    }

    /**
     * Starts a flush of both nodes unless one runs; it cleans what was dirty up to {@code mark}.
     * The flush itself goes on {@code after}, to run outside the lock.
     */
    void flush(long mark, List<Runnable> after, FlushEnded ended) {
        if (flushRunning) {
            return;
        }
        flushRunning = true;
        flushes++;
        after.add(() -> {
            CompletableFuture<Void> f;
            try {
                f = flusher.flush();
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete((v, err) -> ended.ended(mark, err));
        });
    }

    /** The room flush ended: another may start. */
    void flushEnded() {
        flushRunning = false;
    }

    /** Misses that had to wait for room. */
    long waits() {
        return waits;
    }

    /** Room flushes started. */
    long flushes() {
        return flushes;
    }
}
