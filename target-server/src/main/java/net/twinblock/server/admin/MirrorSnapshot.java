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
 */
public record MirrorSnapshot(String role, String state, String peer, long syncDoneBytes, long syncTotalBytes,
                             int lun, int portGroup, String aluaState, String onPeerLoss, long generation,
                             String volumeId, Map<String, Long> counters) {
    public MirrorSnapshot {
        counters = Map.copyOf(counters);
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
