package net.twinblock.mirror.pair;

/** Where a node's pair stands, as the admin endpoint reports it. */
public enum PairState {
    /** No partner yet (or the link is down and nothing has been written since). */
    CONNECTING,
    /** The partner is connected and a full copy to the secondary is running; see the progress. */
    SYNCING,
    /** Both copies identical; every write is mirrored before it completes. */
    IN_SYNC,
    /** Primary only: the secondary is gone and writes complete on the primary alone (OnPeerLoss.CONTINUE). */
    DEGRADED,
    /** Primary only: the secondary is gone and writes wait for it (OnPeerLoss.SUSPEND). */
    SUSPENDED,
    /**
     * The partner was refused because both nodes took writes while apart (or hold unrelated
     * data): nothing is merged until an administrator discards one side's data (resolve).
     */
    SPLIT_BRAIN
}
