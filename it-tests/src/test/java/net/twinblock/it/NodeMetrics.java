package net.twinblock.it;

/** Reads one series of a node's /metrics as a number, failing the test when the node lacks it. */
final class NodeMetrics {

    private NodeMetrics() {
    }

    /** The sample of {@code series} (e.g. "twinblock_record_hits_total"), truncated to a long. */
    static long value(NodeProcess node, String series) {
        return PairProcesses.metric(node, series).map(Double::longValue)
                .orElseThrow(() -> new AssertionError("node " + node.pid() + " exports no metric " + series));
    }
}
