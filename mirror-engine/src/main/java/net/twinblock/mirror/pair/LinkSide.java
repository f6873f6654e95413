package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
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
}
