package net.twinblock.mirror.pair;

/**
 * Quorum as one node sees it (two of three: this node, its partner, the witness), for status.
 *
 * @param witness          the witness's address
 * @param witnessConnected whether this node reaches the witness now (authenticated)
 * @param witnessProblem   why not, while it does not; else null
 * @param partnerLinked    whether every mirrored volume is linked to the partner now
 * @param leaseHeld        a primary holds the witness's lease now (always false on a secondary)
 * @param leaseRemainingMillis what is left of it on this node's monotonic clock, less the safety margin
 * @param epoch            the pair's epoch as the witness last said it; -1 before any answer
 * @param recordedPrimary  the node the witness records as primary; null before any answer
 * @param peerState        the witness's word on the node that is not primary ("up_to_date", "outdated"), or null
 * @param lastRefusal      the witness's last refusal to this node ("lease: NOT_PRIMARY"), or null
 */
public record QuorumView(String witness, boolean witnessConnected, String witnessProblem, boolean partnerLinked,
                         boolean leaseHeld, long leaseRemainingMillis, long epoch, String recordedPrimary,
                         String peerState, String lastRefusal) {

    /** How many of the three this node sees, itself included. */
    public int votes() {
        return 1 + (witnessConnected ? 1 : 0) + (partnerLinked ? 1 : 0);
    }
}
