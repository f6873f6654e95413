package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import net.twinblock.mirror.link.PeerErrorCode;
import net.twinblock.mirror.link.PeerIdentity;

/** What a node does with an authenticated link: called on the channel's event loop, must not block. */
interface LinkSide {

    /**
     * The peer proved the secret and its identity fits. Installs the handlers for mirror traffic
     * behind the handshake. False refuses the link (the secondary already has a primary).
     */
    boolean linkUp(Channel ch, PeerIdentity peer);

    /** An authenticated link closed. */
    void linkDown(Channel ch);

    /**
     * The peer's encoded data generation history from its HELLO or HELLO_ACK, set on the channel
     * before {@link #linkUp}; absent if the peer sent none.
     */
    AttributeKey<byte[]> PEER_GENERATIONS = AttributeKey.valueOf("twinblock.peerGenerations");

    /** This node's encoded data generation history for the HELLO exchange, or null to send none. */
    default byte[] generations() {
        return null;
    }

    /** The link was refused, by this node or by the peer, e.g. for a split brain; for status and logs. */
    default void refused(Channel ch, PeerErrorCode code, String reason) {
    }
}
