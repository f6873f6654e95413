package net.twinblock.server.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SortedMap;
import net.twinblock.mirror.link.LinkTls;
import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.pair.OnPeerLoss;
import net.twinblock.mirror.pair.PairConfig;
import net.twinblock.mirror.pair.Role;

/**
 * The mirror.* keys, checked together: which role this node plays, where the link goes, and
 * the shared key read from mirror.secret-file. Errors name the key to fix.
 *
 * <p>A pair mirrors every LUN of the node's config; both nodes must configure the same LUNs
 * (sizes and block sizes too), which the handshake checks LUN by LUN.
 *
 * @param role        null for a standalone node
 * @param portGroup   this node's ALUA target port group, 1 or 2 (the peer's is the other)
 * @param secret      the shared key; null for a standalone node
 * @param nodeName    node.name, or the host name if unset
 * @param tls         the mirror link's TLS ({@link MirrorTls}), or null for plain TCP
 */
public record MirrorSettings(Role role, int portGroup, InetSocketAddress listen, InetSocketAddress peer,
                             byte[] secret, int smallWriteThreshold, OnPeerLoss onPeerLoss, Duration suspendTimeout,
                             Duration heartbeat, String nodeName, LinkTls tls) {

    /** The shortest shared key accepted: 128 bits, enough that guessing it is not an attack. */
    public static final int MIN_SECRET_BYTES = 16;
    /** A key file larger than this is surely the wrong file (an image, a log). */
    public static final int MAX_SECRET_BYTES = 4096;

    public MirrorSettings {
        secret = secret == null ? null : secret.clone();
    }

    @Override
    public byte[] secret() {
        return secret == null ? null : secret.clone();
    }

    public boolean paired() {
        return role != null;
    }

    /** The engine's view; only for a paired node. */
    public PairConfig pairConfig() {
        if (!paired()) {
            throw new IllegalStateException("a standalone node has no pair config");
        }
        return new PairConfig(role, listen, peer, secret, smallWriteThreshold, onPeerLoss, suspendTimeout, heartbeat,
                nodeName, tls);
    }

    static MirrorSettings of(NodeConfig c, RawConfig raw, SortedMap<Integer, LunConfig> luns) throws ConfigException {
        String roleName = c.get(Keys.MIRROR_ROLE);
        Role role = switch (roleName) {
            case "primary" -> Role.PRIMARY;
            case "secondary" -> Role.SECONDARY;
            default -> null;
        };
        OnPeerLoss onPeerLoss = c.get(Keys.MIRROR_ON_PEER_LOSS).equals("continue")
                ? OnPeerLoss.CONTINUE : OnPeerLoss.SUSPEND;
        InetSocketAddress listen = c.get(Keys.MIRROR_LISTEN);
        InetSocketAddress peer = c.get(Keys.MIRROR_PEER);
        String name = c.get(Keys.NODE_NAME) != null ? c.get(Keys.NODE_NAME) : PairConfig.hostName();
        if (role == null) {
            return new MirrorSettings(null, c.get(Keys.ISCSI_PORT_GROUP), listen, peer, null,
                    c.get(Keys.MIRROR_SMALL_WRITE_THRESHOLD), onPeerLoss, c.get(Keys.MIRROR_SUSPEND_TIMEOUT),
                    c.get(Keys.MIRROR_HEARTBEAT), name, null);
        }
        if (role == Role.PRIMARY && peer == null) {
            throw new ConfigException(Keys.MIRROR_PEER.name(), "is required on a primary: the secondary's "
                    + Keys.MIRROR_LISTEN.name() + " address", "");
        }
        if (role == Role.SECONDARY && listen == null) {
            throw new ConfigException(Keys.MIRROR_LISTEN.name(), "is required on a secondary: where its primary "
                    + "connects (the primary's " + Keys.MIRROR_PEER.name() + ")", "");
        }
        if (listen != null && c.<java.util.List<InetSocketAddress>>get(Keys.ISCSI_LISTEN).contains(listen)) {
            throw new ConfigException(Keys.MIRROR_LISTEN.name(), "is also an iSCSI portal in " + Keys.ISCSI_LISTEN.name(),
                    raw.get(Keys.MIRROR_LISTEN.name()));
        }
        if (listen != null && listen.equals(c.get(Keys.ADMIN_LISTEN))) {
            throw new ConfigException(Keys.MIRROR_LISTEN.name(), "is also " + Keys.ADMIN_LISTEN.name(),
                    raw.get(Keys.MIRROR_LISTEN.name()));
        }
        if (c.get(Keys.MIRROR_WITNESS) != null
                && c.get(Keys.MIRROR_SUSPEND_TIMEOUT).compareTo(c.get(Keys.MIRROR_LEASE)) <= 0) {
            // With a witness, writes wait while it records the secondary outdated: that must not time out first.
            throw new ConfigException(Keys.MIRROR_SUSPEND_TIMEOUT.name(), "must be longer than " + Keys.MIRROR_LEASE.name()
                    + " (" + ValueParsers.human(c.get(Keys.MIRROR_LEASE)) + ") when " + Keys.MIRROR_WITNESS.name()
                    + " is set", raw.get(Keys.MIRROR_SUSPEND_TIMEOUT.name()));
        }
        if (luns.size() > PeerIdentity.MAX_VOLUMES) {
            throw new ConfigException(Keys.MIRROR_ROLE.name(), "a pair mirrors at most " + PeerIdentity.MAX_VOLUMES
                    + " LUNs, but this config has " + luns.size(), roleName);
        }
        byte[] secret = readSecret(c.get(Keys.MIRROR_SECRET_FILE));
        return new MirrorSettings(role, c.get(Keys.ISCSI_PORT_GROUP), listen, peer, secret,
                c.get(Keys.MIRROR_SMALL_WRITE_THRESHOLD), onPeerLoss, c.get(Keys.MIRROR_SUSPEND_TIMEOUT),
                c.get(Keys.MIRROR_HEARTBEAT), name, MirrorTls.of(c, listen, peer));
    }

    /**
     * The key is the file's bytes, less one trailing line end, so "echo key > file" and an editor
     * that adds a newline give the same key on both nodes. The bytes are never shown in an error.
     */
    static byte[] readSecret(Path file) throws ConfigException {
        String key = Keys.MIRROR_SECRET_FILE.name();
        if (file == null) {
            throw new ConfigException(key, "is required when mirror.role is primary or secondary: a file holding "
                    + "the pair's shared key (at least " + MIN_SECRET_BYTES + " bytes, the same file on both nodes)", "");
        }
        return KeyFile.readOne(file, key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MirrorSettings m && role == m.role && portGroup == m.portGroup
                && java.util.Objects.equals(listen, m.listen) && java.util.Objects.equals(peer, m.peer)
                && Arrays.equals(secret, m.secret) && smallWriteThreshold == m.smallWriteThreshold
                && onPeerLoss == m.onPeerLoss && suspendTimeout.equals(m.suspendTimeout) && heartbeat.equals(m.heartbeat)
                && nodeName.equals(m.nodeName) && (tls == null) == (m.tls == null); // contexts: set or not
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(role, portGroup, listen, peer, Arrays.hashCode(secret), smallWriteThreshold,
                onPeerLoss, suspendTimeout, heartbeat, nodeName);
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "MirrorSettings[nodeName=" + nodeName + ", role=" + role + ", portGroup=" + portGroup + ", listen=" + listen + ", peer=" + peer
                + ", smallWriteThreshold=" + smallWriteThreshold + ", onPeerLoss=" + onPeerLoss + ", suspendTimeout="
                + suspendTimeout + ", heartbeat=" + heartbeat + ", tls=" + (tls != null) + "]";
    }
}
