package net.twinblock.mirror.witness;

/** The witness's answer to a pair request: granted, or why not. */
public enum Verdict {
    GRANTED(0),
    /** The recorded primary's lease has not expired yet: no promotion. */
    LEASE_HELD(1),
    /** The node that is not primary is recorded outdated: it must be resynced before it may be promoted. */
    OUTDATED(2),
    /** The requester's epoch is older than the witness's: a newer generation exists. */
    STALE_EPOCH(3),
    /** The requester's epoch is newer than any the witness recorded (the witness lost state, or a node was forced). */
    EPOCH_AHEAD(4),
    /** Only the recorded primary may renew the lease or change the peer's state. */
    NOT_PRIMARY(5),
    /** The requester is already the recorded primary: nothing to promote. */
    ALREADY_PRIMARY(6),
    /** The witness holds no state for this pair (only a lease request founds it). */
    UNKNOWN_PAIR(7),
    /** The pair's state belongs to another key: another pair uses this pair id, or the key changed. */
    OTHER_KEY(8),
    /** The witness could not make the change durable, so it made none; retry later. */
    NOT_DURABLE(9);

    private final int code;

    Verdict(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Null for an unknown code. */
    static Verdict of(int code) {
        for (Verdict v : values()) {
            if (v.code == code) {
                return v;
            }
        }
        return null;
    }
}
