package net.twinblock.mirror.resync;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resync tests' stand-in for the write path's range lock (production copies take
 * {@code RangeLock.forCopies()}). Keeps a resync copy of a region and host writes to that region
 * from interleaving, without blocking a thread: every acquisition is a future.
 *
 * <p>Host writes take the regions they touch <em>shared</em> (writes do not exclude each other;
 * their order is the mirror's business) and hold them until the write is on both nodes. A resync
 * copy takes its region <em>exclusive</em> from before it reads the source until the peer has
 * written it. So a copy never reads data older than a write the peer already has and then
 * overwrites the peer's newer copy: a write arriving during a copy waits for the copy, and a copy
 * waits for writes already in flight. Queues are first come, first served, so a stream of writes
 * cannot starve a copy, nor copies a write.
 *
 * <p>A multi-region range is acquired one region at a time in ascending order, and nobody waits
 * for anything else while holding a region except its own I/O: no deadlock.
 *
 * <p>Granted futures complete on the thread that released the region (or the caller's, if free):
 * continuations must not block, which the engine's asynchronous volumes guarantee. They should
 * also not release at once on that same thread: a chain of such grants and releases recurses.
 */
public final class RegionLock implements CopyLock {

    private final int regionShift;
    /** Only regions somebody holds or waits for have an entry: memory follows activity, not size. */
    private final ConcurrentHashMap<Long, Entry> entries = new ConcurrentHashMap<>();

    /** @param regionSize bytes per lock region, a power of two (normally resync.region-size) */
    public RegionLock(int regionSize) {
        if (regionSize < 512 || Integer.bitCount(regionSize) != 1) {
            throw new IllegalArgumentException("resync.region-size must be a power of two of at least 512"
                    + " bytes, not " + regionSize);
        }
        this.regionShift = Integer.numberOfTrailingZeros(regionSize);
    }

    /** For a host write: shared with other writes, excluded by copies. */
    public CompletableFuture<Hold> lockForWrite(long offset, long length) {
        return acquire(offset, length, false);
    }

    /** For a resync or repair copy: excludes writes and other copies. */
    @Override
    public CompletableFuture<Hold> lockForCopy(long offset, long length) {
        return acquire(offset, length, true);
    }

    /** Regions currently held or waited for (0 when idle). */
    public int activeRegions() {
        return entries.size();
    }

    private CompletableFuture<Hold> acquire(long offset, long length, boolean exclusive) {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("cannot lock " + length + " bytes at " + offset);
        }
        Acquisition a = new Acquisition(offset >>> regionShift, (offset + length - 1) >>> regionShift, exclusive);
        a.proceed();
        return a.granted;
    }

    private static final class Entry {
        int shared;
        boolean exclusive;
        final ArrayDeque<Acquisition> waiters = new ArrayDeque<>(2);
    }

    /**
     * One caller's way through its regions. It is in at most one wait queue at a time, so it is
     * its own queue element: the fast path allocates nothing else.
     */
    private final class Acquisition implements Hold {
        final long first;
        final long last;
        final boolean exclusive;
        final CompletableFuture<Hold> granted = new CompletableFuture<>();
        /** Next region to acquire; regions first..next-1 are held. */
        long next;
        private boolean released;

        Acquisition(long first, long last, boolean exclusive) {
            this.first = first;
            this.last = last;
            this.exclusive = exclusive;
            this.next = first;
        }

        /** Takes regions until one must be waited for (then a release calls {@link #grantedOne}) or all are held. */
        void proceed() {
            while (next <= last) {
                if (!tryAcquire(next, this)) {
                    return;
                }
                next++;
            }
            granted.complete(this);
        }

        /** Called by a releaser once this waiter has been given region {@code next}. */
        void grantedOne() {
            next++;
            proceed();
        }

        @Override
        public void release() {
            synchronized (this) {
                if (released) {
                    throw new IllegalStateException("region lock released twice");
                }
                released = true;
            }
            for (long r = first; r <= last; r++) {
                releaseOne(r, exclusive);
            }
        }
    }

    /** True if granted now; otherwise {@code a} is queued for the region. */
    private boolean tryAcquire(long region, Acquisition a) {
        boolean[] now = new boolean[1];
        entries.compute(region, (k, e) -> {
            Entry entry = e == null ? new Entry() : e;
            boolean free = a.exclusive ? entry.shared == 0 && !entry.exclusive : !entry.exclusive;
            if (free && entry.waiters.isEmpty()) {
                if (a.exclusive) {
                    entry.exclusive = true;
                } else {
                    entry.shared++;
                }
                now[0] = true;
            } else {
                entry.waiters.add(a);
            }
            return entry;
        });
        return now[0];
    }

    private void releaseOne(long region, boolean exclusive) {
        List<Acquisition> grants = new ArrayList<>(1);
        entries.compute(region, (k, entry) -> {
            if (entry == null) {
                throw new IllegalStateException("region " + region + " released but not held");
            }
            if (exclusive) {
                entry.exclusive = false;
            } else {
                entry.shared--;
            }
            // Grant from the head in order: one copy, or every write up to the next copy.
            while (!entry.waiters.isEmpty()) {
                Acquisition head = entry.waiters.peek();
                if (head.exclusive) {
                    if (entry.shared == 0 && !entry.exclusive) {
                        entry.exclusive = true;
                        grants.add(entry.waiters.poll());
                    }
                    break;
                }
                if (entry.exclusive) {
                    break;
                }
                entry.shared++;
                grants.add(entry.waiters.poll());
            }
            return entry.shared == 0 && !entry.exclusive && entry.waiters.isEmpty() ? null : entry;
        });
        // Outside compute(): a grantee goes on to lock more regions and run its continuation.
        for (Acquisition a : grants) {
            a.grantedOne();
        }
    }
}
