package net.twinblock.server.admin;

import java.util.Map;

/**
 * One mirrored LUN of the pair as the admin endpoint shows it, taken at one moment. Plain
 * values, so the status and metrics reports (and their tests) need no running mirror engine.
 *
 * @param lun            the mirrored LUN
 * @param state          the engine's state of this LUN in lower case: connecting, syncing, in_sync,
 *                       degraded, suspended, split_brain
 * @param peer           the partner's address on this LUN's link, or null while there is none
 * @param syncDoneBytes  while syncing: bytes copied so far
 * @param syncTotalBytes while syncing: bytes to copy in all (0 otherwise)
 * @param generation     the data generation (bumped by every promotion)
 * @param volumeId       the LUN's volume id, shared by both nodes once paired
 * @param counters       the engine's counters of this LUN by name (mirror.writes_mirrored, ...)
 * @param splitBrain     both sides of a standing split brain, or null
 * @param refusal        why this LUN's link was refused for the configuration (a LUN on one node
 *                       only, sizes that differ), or null
 * @param linkFailure    why the last attempt at this LUN's link failed before the partner was
 *                       authenticated (TLS refused, wrong key), or null since a link came up
 */
public record MirrorSnapshot(int lun, String state, String peer, long syncDoneBytes, long syncTotalBytes,
                             long generation, String volumeId, Map<String, Long> counters, SplitBrain splitBrain,
                             String refusal, String linkFailure) {
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
