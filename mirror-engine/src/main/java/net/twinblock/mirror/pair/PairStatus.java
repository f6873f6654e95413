package net.twinblock.mirror.pair;

/**
 * A snapshot for status output: role, state, the partner's address (null if none), and while
 * {@link PairState#SYNCING} the full copy's progress in bytes.
 */
public record PairStatus(Role role, PairState state, String peer, long syncDoneBytes, long syncTotalBytes) {
}
