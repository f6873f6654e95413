package net.twinblock.mirror.resync;

/**
 * What the primary's write path tells a resync: every range the primary changed without the secondary
 * (writes completed in DEGRADED mode, writes the secondary failed, writes given up at the suspend
 * timeout after they reached the primary's disk). A bitmap implementation lets a reconnect copy
 * only those ranges; the default just remembers that a full copy is needed. Here, beside its
 * implementation, so the pair package depends on resync and not the other way round.
 */
public interface DivergenceTracker {

    void markChanged(long offset, long length);

    /** True if anything was marked since the last {@link #clear()}. */
    boolean anyChanged();

    /** The secondary is identical again (a full copy finished). */
    void clear();

    /** The default: no ranges, only "something changed, copy everything". */
    static DivergenceTracker fullResync() {
        return new DivergenceTracker() {
            private volatile boolean changed;

            @Override
            public void markChanged(long offset, long length) {
                changed = true;
            }

            @Override
            public boolean anyChanged() {
                return changed;
            }

            @Override
            public void clear() {
                changed = false;
            }
        };
    }
}
