package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import net.twinblock.mirror.link.PeerErrorCode;
import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.resync.GenerationHistory;

/**
 * Hands every callback to the node's {@link LinkSide}: {@link PeerServer} and {@link PeerClient}
 * wrap it to track their own link in {@code linkUp} and {@code linkDown}, and pass the rest on.
 */
abstract class ForwardingLinkSide implements LinkSide {

    final LinkSide side;

    ForwardingLinkSide(LinkSide side) {
        this.side = side;
    }

    @Override
    public boolean linkUp(Channel ch, PeerIdentity peer) {
        return side.linkUp(ch, peer);
    }

    @Override
    public void linkDown(Channel ch) {
        side.linkDown(ch);
    }

    @Override
    public byte[] generations() {
        return side.generations();
    }

    @Override
    public String unusable() {
        return side.unusable();
    }

    @Override
    public String noCurrentCopy(PeerIdentity secondary, byte[] secondaryGenerations) {
        return side.noCurrentCopy(secondary, secondaryGenerations);
    }

    @Override
    public void refused(Channel ch, PeerErrorCode code, String reason) {
        side.refused(ch, code, reason);
    }

    @Override
    public void linkFailed(Channel ch, String reason) {
        side.linkFailed(ch, reason);
    }

    @Override
    public byte[] discardOrder(PeerIdentity peer, byte[] peerGenerations) {
        return side.discardOrder(peer, peerGenerations);
    }

    @Override
    public boolean discardOrdered(PeerIdentity primary, GenerationHistory primaryGenerations) {
        return side.discardOrdered(primary, primaryGenerations);
    }
}
