package net.twinblock.mirror.store;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts operations in progress so close() can wait for them, and refuses new ones once closing.
 * Lock-free because every read and write passes through it: one word holds the count and, in the
 * top bit, the closed flag, so "check closed, then count" is a single atomic step and no operation
 * can slip in after close() started waiting.
 */
final class InFlight {

    private static final long CLOSED = Long.MIN_VALUE;

    private final AtomicLong state = new AtomicLong();
    private final CountDownLatch drained = new CountDownLatch(1);

    /** Returns false (and counts nothing) once closing. */
    boolean enter() {
        while (true) {
            long s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** Must be called exactly once for every successful {@link #enter()}. */
    void exit() {
        long s = state.decrementAndGet();
        if (s == CLOSED) {
            drained.countDown();
        }
    }

    boolean closing() {
        return (state.get() & CLOSED) != 0;
    }

    /** Refuses new operations, then waits for the running ones; false if they did not finish in time. */
    boolean closeAndAwait(long timeout, TimeUnit unit) throws InterruptedException {
        long before = state.getAndUpdate(s -> s | CLOSED);
        if ((before & CLOSED) == 0 && before == 0) {
            drained.countDown();
        }
        return drained.await(timeout, unit);
    }
}
