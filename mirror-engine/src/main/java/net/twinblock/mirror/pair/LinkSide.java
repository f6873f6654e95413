package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import net.twinblock.mirror.link.PeerErrorCode;
import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.resync.GenerationHistory;

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
     * The peer's encoded data generation history from its HELLO_PROOF or HELLO_IDENTITY, set on the channel
     * before {@link #linkUp}; absent if the peer sent none.
     */
    AttributeKey<byte[]> PEER_GENERATIONS = AttributeKey.valueOf("twinblock.peerGenerations");

    /** The peer's name (its identity's node id) from its HELLO_PROOF or HELLO_IDENTITY, set with {@link #PEER_GENERATIONS}. */
    AttributeKey<String> PEER_NAME = AttributeKey.valueOf("twinblock.peerName");

    /**
     * Why this node's copy cannot take the link at all (its disk failed and was detached); null
     * while it can. A secondary refuses the handshake with it, naming the failure.
     */
    default String unusable() {
        return null;
    }

    /**
     * On a primary: why linking to {@code secondary} (with data generations {@code secondaryGenerations})
     * would leave no current copy, because this node's copy is detached and is no resync source
     * ({@link DetachedPrimary}); null while it may link. The primary refuses the handshake with it.
     */
    default String noCurrentCopy(PeerIdentity secondary, byte[] secondaryGenerations) {
        return null;
    }

    /** This node's encoded data generation history for the HELLO exchange, or null to send none. */
    default byte[] generations() {
        return null;
    }

    /** The link was refused, by this node or by the peer, e.g. for a split brain; for status and logs. */
    default void refused(Channel ch, PeerErrorCode code, String reason) {
    }

    /**
     * A link attempt failed before the peer was authenticated (TLS refused, wrong key): why, for
     * status until a link comes up.
     */
    default void linkFailed(Channel ch, String reason) {
    }

    /**
     * On a primary about to refuse {@code peer} for the data generations: the statement of an
     * administrator's order that this peer discard its data ({@link DiscardOrder#statement}),
     * proven in HELLO_DONE instead of refusing; null to refuse.
     */
    default byte[] discardOrder(PeerIdentity peer, byte[] peerGenerations) {
        return null;
    }

    /**
     * On a secondary: the authenticated primary proved an order to discard this node's data,
     * made for exactly its name and generations, in a split brain with {@code primaryGenerations}.
     * Drops the data generation now (durable before any mirror write applies); false if this
     * node takes no such order.
     */
    default boolean discardOrdered(PeerIdentity primary, GenerationHistory primaryGenerations) {
        return false;
    }
}
