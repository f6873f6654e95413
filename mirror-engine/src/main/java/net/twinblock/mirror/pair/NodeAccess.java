package net.twinblock.mirror.pair;

/**
 * What a pair node can do for hosts now, decided from what it observes (its role, its links, the
 * witness's lease), not from its configured role. The server shows it as the port's ALUA state;
 * every change is news to every I_T nexus of the node.
 */
public enum NodeAccess {
    /** The primary, allowed to acknowledge writes: ALUA active/optimized. */
    PRIMARY,
    /** A secondary linked to its primary: forwards writes, serves in-sync reads. Active/non-optimized. */
    SECONDARY,
    /**
     * A secondary whose primary is gone and which the witness may promote any moment (it is up to
     * date, and the loss is recent): ALUA transitioning, so hosts keep the path and retry rather
     * than fail it, and use it as soon as it is the primary.
     */
    TRANSITIONING,
    /** A secondary without its primary: it could serve neither reads nor writes. ALUA standby. */
    STANDBY,
    /** A primary that may not serve (waiting for its partner, or fenced without its lease). ALUA unavailable. */
    UNAVAILABLE;

    /** Whether hosts' reads and writes are served here at all. */
    public boolean serving() {
        return this == PRIMARY || this == SECONDARY;
    }
}
