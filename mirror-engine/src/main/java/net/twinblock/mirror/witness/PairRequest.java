package net.twinblock.mirror.witness;

/**
 * One of the six requests a node sends about its pair, named by its frame type {@code op}.
 *
 * @param requestId chosen by the client, echoed in the reply, so requests can be pipelined
 * @param pairId    the pair's name as both nodes send it (the target IQN or a configured name), 1..255 bytes
 * @param node      the requester's node.name, 1..255 bytes; empty in a QUERY
 * @param epoch     the requester's data generation; 0 in FORCE_PROMOTE and QUERY, which take none
 */
public record PairRequest(WitnessFrameType op, int requestId, String pairId, String node, long epoch)
        implements WitnessMessage {

    public PairRequest {
        if (op == null || !op.isRequest()) {
            throw new IllegalArgumentException(op + " is not a pair request");
        }
        WireText.utf8("pair id", pairId, false);
        WireText.utf8("node name", node, op == WitnessFrameType.QUERY);
        if (op == WitnessFrameType.QUERY && !node.isEmpty()) {
            throw new IllegalArgumentException("a QUERY names no node");
        }
        if (!takesEpoch(op) && epoch != 0) {
            throw new IllegalArgumentException(op + " takes no epoch, got " + epoch);
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("negative epoch " + epoch);
        }
    }

    /** The requests about the requester's own generation (the others act whatever it is, or only read). */
    static boolean takesEpoch(WitnessFrameType op) {
        return op != WitnessFrameType.FORCE_PROMOTE && op != WitnessFrameType.QUERY;
    }

    @Override
    public WitnessFrameType type() {
        return op;
    }
}
