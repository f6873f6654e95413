package net.twinblock.mirror.witness;

/**
 * The witness's answer to request {@code requestId}, with the pair's state as it stands after
 * the request (so a refusal says what the witness saw).
 *
 * @param epoch          the recorded epoch (the new one after a promotion); 0 with no state
 * @param primary        the recorded primary; empty with no state
 * @param peer           the recorded state of the other node; null with no state (UNKNOWN_PAIR, OTHER_KEY)
 * @param leaseNanos     the lease granted by this request (renewal or promotion), 0 if none
 * @param remainingNanos how long the recorded primary's lease still runs at the witness, 0 if expired
 */
public record PairReply(int requestId, Verdict verdict, long epoch, String primary, PeerState peer, long leaseNanos,
                        long remainingNanos) implements WitnessMessage {

    public PairReply {
        if (verdict == null) {
            throw new IllegalArgumentException("verdict is missing");
        }
        WireText.utf8("primary", primary, peer == null);
        if (peer == null && (!primary.isEmpty() || epoch != 0)) {
            throw new IllegalArgumentException("a reply without state names no primary and no epoch");
        }
        if (epoch < 0 || leaseNanos < 0 || remainingNanos < 0) {
            throw new IllegalArgumentException("negative epoch or lease: " + epoch + ", " + leaseNanos + ", "
                    + remainingNanos);
        }
        if (leaseNanos > 0 && verdict != Verdict.GRANTED) {
            throw new IllegalArgumentException("a lease comes only with " + Verdict.GRANTED);
        }
    }

    @Override
    public WitnessFrameType type() {
        return WitnessFrameType.REPLY;
    }
}
