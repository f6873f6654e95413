package net.twinblock.mirror.pair;

import net.twinblock.mirror.resync.GenerationHistory;

/**
 * A refused pair, for status: why, both nodes' names and data generations (the peer's as it
 * sent them at the refused handshake; null if it sent none), and the node whose data an
 * administrator ordered discarded at its next connection to this one (null if none).
 */
public record SplitBrainStatus(String reason, String localName, GenerationHistory localGenerations, String peerName,
        GenerationHistory peerGenerations, String pendingDiscard) {
}
