package net.twinblock.mirror.witness;

/**
 * The witness's answer to one call, with the pair's state as the witness recorded it after the call.
 *
 * @param verdict        {@link Verdict#GRANTED} or why not
 * @param epoch          the recorded epoch (after a granted promotion: the new one); 0 if the witness shows no state
 * @param primary        the recorded primary, or null if the witness shows no state (UNKNOWN_PAIR, OTHER_KEY)
 * @param peerState      the recorded state of the node that is not primary, or null likewise
 * @param leaseRemainingNanos how long the recorded primary's lease still runs at the witness (0: expired)
 * @param lease          the lease this call granted (lease renewal, promotion, forced promotion), else null
 */
public record WitnessAnswer(Verdict verdict, long epoch, String primary, PeerState peerState, long leaseRemainingNanos,
                            WitnessLease lease) {

    public boolean granted() {
        return verdict == Verdict.GRANTED;
    }

    static WitnessAnswer of(PairReply reply, long sentNanos, long marginNanos) {
        WitnessLease lease = reply.leaseNanos() > 0 ? WitnessLease.of(sentNanos, reply.leaseNanos(), marginNanos) : null;
        boolean known = reply.peer() != null;
        return new WitnessAnswer(reply.verdict(), reply.epoch(), known ? reply.primary() : null, reply.peer(),
                reply.remainingNanos(), lease);
    }
}
