package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import net.twinblock.mirror.link.PeerErrorCode;
import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.resync.GenerationHistory;

/**
 * A node's side of a handshake for tests: records whom it linked with and why it was refused,
 * holds generations (null: sends none) and, as a primary, an administrator's discard order;
 * as a secondary it obeys an order by discarding its generations.
 */
final class RecordingSide implements LinkSide {

    final SplitBrain splitBrain = new SplitBrain();
    final List<PeerIdentity> linked = new ArrayList<>();
    final List<String> refusals = new ArrayList<>();
    /** What {@link #linkFailed} was told: TLS and key failures, for status. */
    final List<String> failures = new ArrayList<>();
    GenerationHistory generations;
    /** The primary's generations this side discarded its data for; null if it never did. */
    GenerationHistory discardedFor;

    RecordingSide(GenerationHistory generations) {
        this.generations = generations;
    }

    @Override
    public boolean linkUp(Channel ch, PeerIdentity peer) {
        linked.add(peer);
        return true;
    }

    @Override
    public void linkDown(Channel ch) {
    }

    @Override
    public byte[] generations() {
        return generations == null ? null : generations.encode();
    }

    @Override
    public void linkFailed(Channel ch, String reason) {
        failures.add(reason);
    }

    @Override
    public void refused(Channel ch, PeerErrorCode code, String reason) {
        refusals.add(reason);
    }

    @Override
    public byte[] discardOrder(PeerIdentity peer, byte[] peerGenerations) {
        return splitBrain.takeOrder(peer.nodeId(), peerGenerations, generations);
    }

    @Override
    public boolean discardOrdered(PeerIdentity primary, GenerationHistory primaryGenerations) {
        discardedFor = primaryGenerations;
        generations = generations.discard(primaryGenerations);
        return true;
    }
}
