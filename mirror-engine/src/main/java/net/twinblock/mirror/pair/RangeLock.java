package net.twinblock.mirror.pair;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.twinblock.mirror.resync.CopyLock;

/**
 * Orders overlapping operations on a volume: a request is granted once no earlier request
 * (granted or still waiting) overlaps it, so overlapping writes run one after the other in the
 * order they asked, and writes to disjoint ranges run side by side. Both nodes apply overlapping
 * writes in the same order because each side orders them this way in the same sequence.
 *
 * <p>Never blocks: {@link #acquire} returns a future completed when the range is granted, on the
 * thread that released the last conflicting lease (or at once). A linear scan is fine: the
 * entries are the writes in flight, a few hundred at most.
 */
public final class RangeLock {

    /** A granted range; {@link #close()} lets the next overlapping request go. */
    public final class Lease implements AutoCloseable {
        final long start;
        final long end;
        /** Completed when granted; made only for a request that waits, most are granted at once. */
        private CompletableFuture<Lease> granted;
        boolean held;
        private boolean released;

        Lease(long start, long end) {
            this.start = start;
            this.end = end;
        }

        boolean overlaps(Lease other) {
            return start < end && other.start < other.end && start < other.end && other.start < end;
        }

        /** True if {@link #request} granted it at once: it is held, no future to wait on. */
        public boolean grantedAtRequest() {
            return granted == null;
        }

        /** Completes with this lease once granted (already complete if granted at request). */
        public CompletableFuture<Lease> whenGranted() {
            return granted != null ? granted : CompletableFuture.completedFuture(this);
        }

        @Override
        public void close() {
            release(this);
        }
    }

    /** In request order; an array, not linked nodes: no allocation per request. */
    private final ArrayDeque<Lease> queue = new ArrayDeque<>();

    /** Grants [offset, offset + length) once nothing earlier overlaps it; a zero length conflicts with nothing. */
    public CompletableFuture<Lease> acquire(long offset, long length) {
        return request(offset, length).whenGranted();
    }

    /**
     * As {@link #acquire}, returning the lease itself: held at once if {@link Lease#grantedAtRequest},
     * else granted through {@link Lease#whenGranted}. A write granted at once (nearly every one)
     * then costs no future.
     */
    public Lease request(long offset, long length) {
        Lease lease = new Lease(offset, offset + Math.max(0, length));
        synchronized (this) {
            lease.held = grantable(lease, queue.size());
            if (!lease.held) {
                lease.granted = new CompletableFuture<>(); // before anyone can release a conflict
            }
            queue.add(lease);
        }
        return lease;
    }

    /** This lock as a resync's or repair's {@link CopyLock}: a copy orders against host writes as one of them. */
    public CopyLock forCopies() {
        return (offset, length) -> acquire(offset, length).thenApply(lease -> lease::close);
    }

    /** Ranges held or waiting, for metrics and tests. */
    public synchronized int size() {
        return queue.size();
    }

    private void release(Lease lease) {
        List<Lease> wake = null; // most releases wake nobody: no list for them
        synchronized (this) {
            if (lease.released) {
                return; // close() twice is harmless, like any AutoCloseable
            }
            lease.released = true;
            queue.remove(lease);
            int index = 0;
            for (Iterator<Lease> it = queue.iterator(); it.hasNext(); index++) {
                Lease waiting = it.next();
                if (!waiting.held && waiting.overlaps(lease) && grantable(waiting, index)) {
                    waiting.held = true;
                    if (wake == null) {
                        wake = new ArrayList<>();
                    }
                    wake.add(waiting);
                }
            }
        }
        // Outside the lock: a woken writer may acquire or release again from its callback.
        if (wake != null) {
            for (Lease w : wake) {
                w.granted.complete(w);
            }
        }
    }

    /** True if none of the first {@code before} entries overlaps {@code lease}. */
    private boolean grantable(Lease lease, int before) {
        int i = 0;
        for (Lease earlier : queue) {
            if (i++ >= before) {
                break;
            }
            if (earlier.overlaps(lease)) {
                return false;
            }
        }
        return true;
    }
}
