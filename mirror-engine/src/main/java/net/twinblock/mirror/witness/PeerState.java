package net.twinblock.mirror.witness;

/** What the witness recorded about the node of a pair that is not primary. */
public enum PeerState {
    /** In sync with the primary as of the last word from it: may be promoted once the primary's lease expired. */
    UP_TO_DATE(1),
    /** Missed writes: never promoted automatically until the primary says it caught up. */
    OUTDATED(2);

    private final int code;

    PeerState(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }

    /** Null for 0 (no state) or an unknown code. */
    static PeerState of(int code) {
        for (PeerState p : values()) {
            if (p.code == code) {
                return p;
            }
        }
        return null;
    }
}
