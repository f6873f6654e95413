package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import net.twinblock.mirror.link.PeerAuth;
import net.twinblock.mirror.link.PeerErrorCode;
import net.twinblock.mirror.link.PeerIdentity;

/**
 * A node's role and its changes: which role it has, the configuration a promotion may change,
 * the listener a secondary binds for all its volumes, each primary volume's connection to
 * mirror.peer, and who hears of a change. Every volume of the node changes role with it.
 *
 * <p>Apart from {@link PairNode} so that class stays the facade the server and the tests use,
 * and this one moves the node and its volumes from one role to the next. Every change holds the
 * node's lock (the {@link PairNode} object: the monitor its synchronized role methods held, and
 * the one {@link PairAdmin} holds for its checks); role, configuration and listener are volatile
 * for the readers that do not take it.
 */
final class NodeRole {

    /** The node's logger: the role-change lines read as they did before this class was split off. */
    private static final Logger LOG = System.getLogger(PairNode.class.getName());

    private final PairNode node;
    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> serverChannel;
    private final Class<? extends Channel> clientChannel;
    private final PeerAuth auth;
    private final List<Consumer<Role>> listeners = new CopyOnWriteArrayList<>();

    /** Not final: promotion switches a SUSPEND policy to CONTINUE (see {@link #startPromoted()}). */
    private volatile PairConfig cfg;
    private volatile Role role;
    /** The secondary's listener, shared by every volume's link; null on a primary. */
    private volatile PeerServer server;

    NodeRole(PairNode node, PairConfig cfg, EventLoopGroup group, Class<? extends ServerChannel> serverChannel,
            Class<? extends Channel> clientChannel) {
        this.node = node;
        this.cfg = cfg;
        this.group = group;
        this.serverChannel = serverChannel;
        this.clientChannel = clientChannel;
        this.auth = new PeerAuth(cfg.secret());
    }

    Role role() {
        return role;
    }

    PairConfig config() {
        return cfg;
    }

    PeerServer server() {
        return server;
    }

    /** Where a secondary listens (port 0 resolved); null on a primary. */
    InetSocketAddress listenAddress() {
        PeerServer s = server;
        return s == null ? null : s.localAddress();
    }

    void onChange(Consumer<Role> listener) {
        listeners.add(listener);
    }

    void changed(Role now) {
        for (Consumer<Role> l : listeners) {
            l.accept(now);
        }
    }

    /** The role the node starts in, after every volume opened. */
    void start(Role at) {
        if (at == Role.PRIMARY) {
            becomePrimary();
        } else {
            becomeSecondary();
        }
    }

    private void becomePrimary() {
        synchronized (node) {
            role = Role.PRIMARY;
            for (PairVolume v : node.volumes()) {
                v.becomePrimary(cfg);
            }
        }
    }

    private void becomeSecondary() {
        synchronized (node) {
            PeerServer s = new PeerServer(cfg.listen(), group, serverChannel, auth, cfg.tls(), cfg.heartbeat(),
                    node.peerSilence);
            server = s;
            role = Role.SECONDARY;
            for (PairVolume v : node.volumes()) {
                v.becomeSecondary(s);
            }
            s.bind();
        }
    }

    /** Promotion, first half: this secondary stops listening and each forwarding volume fails what waits. */
    void stopSecondary() {
        synchronized (node) {
            PeerServer s = server;
            server = null;
            s.close();
            for (PairVolume v : node.volumes()) {
                v.stopSecondary();
            }
        }
    }

    /**
     * Promotion, second half: serve as the primary, mirroring towards mirror.peer, and scrub if
     * configured. Promotion is the admin saying the old primary is gone. SUSPEND exists so that a
     * primary never acknowledges a write its partner might be missing while that partner could
     * still be serving; after promotion that risk is the generations' job (a returning old
     * primary is behind, or in split brain, and is refused or resynced). Holding host writes here
     * would turn the failover into an outage until the old primary returns, so the promoted node
     * serves alone and tracks what changed.
     */
    void startPromoted() {
        synchronized (node) {
            if (cfg.onPeerLoss() == OnPeerLoss.SUSPEND) {
                LOG.log(Level.WARNING, "promoted node serves alone until a secondary joins:"
                        + " mirror.on-peer-loss SUSPEND becomes CONTINUE for this run");
                cfg = cfg.withOnPeerLoss(OnPeerLoss.CONTINUE, cfg.suspendTimeout());
            }
            role = Role.PRIMARY;
            for (PairVolume v : node.volumes()) {
                v.startPromoted(cfg);
            }
        }
    }

    /**
     * Demotion (under the node's lock, checks done): every volume's primary side stops, then the
     * node listens as the secondary. See {@link PairNode#demote(boolean)}; {@code fenced}: the
     * witness named another primary and this node never had the secondary outdated ({@link Quorum}).
     */
    void stopPrimary(String why, boolean fenced) {
        synchronized (node) {
            for (PairVolume v : node.volumes()) {
                v.stopPrimary(fenced);
            }
            node.gate.demoted();
            becomeSecondary();
            LOG.log(Level.WARNING, "demoted to SECONDARY ({0}): listening on {1} for the primary; what this node"
                    + " wrote that the primary lacks is resynced from its record", why, cfg.listen());
        }
    }

    /** A primary volume's link to the partner: one connection per volume, all to mirror.peer. */
    PeerClient connect(LinkSide side, Supplier<PeerIdentity> identity) {
        LinkSide watched = new ForwardingLinkSide(side) {
            @Override
            public boolean linkUp(Channel ch, PeerIdentity peer) {
                boolean up = side.linkUp(ch, peer);
                if (up) {
                    node.gate.volumeLinked();
                }
                return up;
            }

            @Override
            public void refused(Channel ch, PeerErrorCode code, String reason) {
                side.refused(ch, code, reason);
                node.gate.volumeLinked(); // a LUN the partner does not have cannot be newer there
            }

            @Override
            public void linkDown(Channel ch) {
                side.linkDown(ch);
                Quorum q = node.quorum();
                if (q != null) {
                    q.peerLost();
                }
            }
        };
        PeerClient c = new PeerClient(cfg.peer(), group, clientChannel, auth, cfg.tls(), cfg.heartbeat(),
                node.peerSilence, identity, watched);
        c.start();
        return c;
    }
}
