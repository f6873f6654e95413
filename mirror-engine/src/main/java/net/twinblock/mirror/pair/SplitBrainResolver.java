package net.twinblock.mirror.pair;

import static net.twinblock.mirror.pair.LinkSide.PEER_GENERATIONS;
import static net.twinblock.mirror.pair.LinkSide.PEER_NAME;

import io.netty.channel.Channel;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import net.twinblock.mirror.link.PeerErrorCode;
import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.resync.GenerationHistory;

/**
 * Split brain and its resolution (DESIGN section 7): what the handshakes said of the partner,
 * the refusal shown until a link comes up, and the two ways a node's data is discarded: here at
 * an administrator's word ({@link #discardLocal}), or on the primary's proven order at a
 * handshake ({@link #discardOrdered}), which the surviving primary keeps until then
 * ({@link #orderPeerDiscarded}). Callers check the node's role and link first.
 */
final class SplitBrainResolver {

    private static final Logger LOG = System.getLogger(SplitBrainResolver.class.getName());

    final SplitBrain state = new SplitBrain();
    private final VolumeState volume;
    /** Completes once a discard the primary ordered at the handshake is durable; mirror writes wait for it. */
    private volatile CompletableFuture<Void> discardDurable = CompletableFuture.completedFuture(null);

    SplitBrainResolver(VolumeState volume) {
        this.volume = volume;
    }

    /** A refusal for the data generations (split brain, unrelated data) is shown in status until resolved. */
    void refused(Channel ch, PeerErrorCode code, String reason) {
        state.seen(ch.attr(PEER_NAME).get(), ch.attr(PEER_GENERATIONS).get());
        if (code == PeerErrorCode.GENERATION_CONFLICT) {
            state.refused(reason);
        }
    }

    /**
     * Drops this node's data generation (its copy counts as holding nothing known), so the next
     * link with the partner makes it the target of a full copy. Blocking.
     *
     * @return the generations after the change
     */
    GenerationHistory discardLocal() {
        GenerationHistory winner = state.peerGenerations();
        volume.meta.update(m -> m.withClean(false).withGenerations(winner != null
                ? m.generations().discard(winner) : GenerationHistory.none())).join();
        state.discarded();
        volume.resyncTarget = false;
        LOG.log(Level.WARNING, "this node''s data was discarded by an administrator: the next link makes it a"
                + " full copy of its primary (generations now {0})", volume.meta.get().generations().describe());
        return volume.meta.get().generations();
    }

    /**
     * On a secondary: the primary proved an administrator's order to discard this node's data.
     * The drop is durable before the primary's first copy overwrites anything ({@link #discardDurable}).
     */
    boolean discardOrdered(PeerIdentity primary, GenerationHistory primaryGenerations) {
        discardDurable = volume.meta.update(m -> m.withClean(false)
                .withGenerations(m.generations().discard(primaryGenerations)));
        state.discarded();
        LOG.log(Level.WARNING, "this node''s data was discarded on the order of the primary {0} (an"
                + " administrator''s decision there): it becomes a full copy of it (generations now {1})",
                primary.nodeId(), volume.meta.get().generations().describe());
        return true;
    }

    CompletableFuture<Void> discardDurable() {
        return discardDurable;
    }

    /**
     * On the surviving primary: keeps the order that {@code peer} discard its data, valid only in
     * a standing split brain (or unrelated data) with what the partner last sent.
     *
     * @param linked whether a secondary is connected now
     * @param pairState the pair's state, for the refusal's message
     */
    GenerationHistory orderPeerDiscarded(String peer, boolean linked, PairState pairState) {
        GenerationHistory theirs = state.peerGenerations();
        GenerationHistory ours = volume.meta.get().generations();
        if (!state.active() || linked || theirs == null
                || !GenerationHistory.compare(ours, theirs).refusesConnection()) {
            throw new IllegalStateException("there is no split brain with " + peer + " to resolve (the pair is "
                    + pairState.name().toLowerCase(java.util.Locale.ROOT)
                    + (state.active() ? ": " + state.reason() : "") + ")");
        }
        state.order(new DiscardOrder(peer, theirs));
        LOG.log(Level.WARNING, "an administrator chose the data of {0} to be discarded: at its next connection it"
                + " is ordered to drop it and becomes a full copy of this node (its generations {1})", peer,
                theirs.describe());
        return theirs;
    }

    /** Both sides of a standing split brain (or unrelated data), for status; null if there is none. */
    SplitBrainStatus status(String nodeName) {
        return state.status(nodeName, volume.meta.get().generations());
    }
}
