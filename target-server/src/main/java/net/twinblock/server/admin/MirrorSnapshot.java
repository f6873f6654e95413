package net.twinblock.server.admin;

import java.util.Map;

/**
 * The pair as the admin endpoint shows it, taken at one moment. Plain values, so the status
 * and metrics reports (and their tests) need no running mirror engine.
 *
 * @param role           "primary" or "secondary"
 * @param state          the engine's pair state in lower case: connecting, syncing, in_sync,
 *                       degraded, suspended
 * @param peer           the connected partner's address, or null while there is none
 * @param syncDoneBytes  while syncing: bytes copied so far
 * @param syncTotalBytes while syncing: bytes to copy in all (0 otherwise)
 * @param lun            the mirrored LUN
 * @param portGroup      this node's ALUA target port group
 * @param aluaState      this node's ALUA access state in lower case
 * @param onPeerLoss     "suspend" or "continue"
 * @param generation     the data generation (bumped by every promotion)
 * @param volumeId       the pair's volume id, shared by both nodes once paired
 * @param counters       the engine's counters by name (mirror.writes_mirrored, ...)
 * @param name           this node's name (node.name)
 * @param peerName       the partner's name as it last introduced itself, or null
 * @param splitBrain     both sides of a standing split brain, or null
 */
public record MirrorSnapshot(String role, String state, String peer, long syncDoneBytes, long syncTotalBytes,
                             int lun, int portGroup, String aluaState, String onPeerLoss, long generation,
                             String volumeId, Map<String, Long> counters, String name, String peerName,
                             SplitBrain splitBrain) {
    public MirrorSnapshot {
        counters = Map.copyOf(counters);
    }

    /**
     * A refused pair: why, and each node's name and data generations (as GenerationHistory
     * describes them; the peer's null if it sent none), and the node an administrator ordered to
     * drop its data at its next connection (null if none).
     */
    public record SplitBrain(String reason, String localName, String localGenerations, String peerName,
                             String peerGenerations, String pendingDiscard) {
    }

    /** Copy progress in percent, 100 when no copy is running. */
    public double syncPercent() {
        return syncTotalBytes <= 0 ? 100.0 : Math.floor(1000.0 * syncDoneBytes / syncTotalBytes) / 10.0;
    }

    /** An engine counter, 0 if the engine does not report it. */
    public long counter(String name) {
        return counters.getOrDefault(name, 0L);
    }
}
