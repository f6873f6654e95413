package net.twinblock.mirror.pair;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import net.twinblock.mirror.link.FrameHeader;
import net.twinblock.mirror.link.LinkTls;
import net.twinblock.mirror.link.PeerFrameDecoder;
import net.twinblock.mirror.link.WriteFramer;

/**
 * How a node takes part in the pair. Field names in errors are the server's config keys.
 *
 * @param role what this node starts as
 * @param listen where a secondary accepts its primary (mirror.listen); a primary ignores it
 *        until it is demoted
 * @param peer where a primary (or a promoted secondary) connects to its partner (mirror.peer)
 * @param secret the shared secret both nodes prove knowledge of (mirror.secret), at least 16 bytes
 * @param smallWriteThreshold largest write mirrored as one frame (mirror.small-write-threshold)
 * @param onPeerLoss what writes do while the partner is gone (mirror.on-peer-loss)
 * @param suspendTimeout how long SUSPEND holds a write for the link (mirror.suspend-timeout)
 * @param heartbeat heartbeat period; three missed ones take the link down (mirror.heartbeat)
 * @param nodeName this node's name (node.name): sent at the handshake, shown in status, and what an
 *        administrator names in {@code resolve --discard NAME}; the two nodes of a pair must differ
 * @param tls TLS for the mirror link (mirror.tls), or null for plain TCP
 */
public record PairConfig(Role role, InetSocketAddress listen, InetSocketAddress peer, byte[] secret,
        int smallWriteThreshold, OnPeerLoss onPeerLoss, Duration suspendTimeout, Duration heartbeat,
        String nodeName, LinkTls tls) {

    public static final Duration DEFAULT_SUSPEND_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(1);

    public PairConfig {
        Objects.requireNonNull(role, "mirror.role is required");
        if (role == Role.SECONDARY && listen == null) {
            throw new IllegalArgumentException("mirror.listen is required on a secondary");
        }
        if (role == Role.PRIMARY && peer == null) {
            throw new IllegalArgumentException("mirror.peer is required on a primary");
        }
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("mirror.secret must be at least 16 bytes");
        }
        secret = secret.clone();
        if (smallWriteThreshold < 0 || smallWriteThreshold > PeerFrameDecoder.DEFAULT_MAX_PAYLOAD
                || smallWriteThreshold > FrameHeader.MAX_PAYLOAD) {
            throw new IllegalArgumentException("mirror.small-write-threshold must be 0.."
                    + PeerFrameDecoder.DEFAULT_MAX_PAYLOAD + " bytes, not " + smallWriteThreshold);
        }
        Objects.requireNonNull(onPeerLoss, "mirror.on-peer-loss is required");
        if (suspendTimeout == null || suspendTimeout.isNegative() || suspendTimeout.isZero()) {
            throw new IllegalArgumentException("mirror.suspend-timeout must be positive, not " + suspendTimeout);
        }
        if (heartbeat == null || heartbeat.toMillis() < 10) {
            throw new IllegalArgumentException("mirror.heartbeat must be at least 10 ms, not " + heartbeat);
        }
        if (nodeName == null || nodeName.isEmpty() || nodeName.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("node.name must be 1 to 255 bytes, not " + nodeName);
        }
    }

    /** Plain TCP. */
    public PairConfig(Role role, InetSocketAddress listen, InetSocketAddress peer, byte[] secret,
            int smallWriteThreshold, OnPeerLoss onPeerLoss, Duration suspendTimeout, Duration heartbeat,
            String nodeName) {
        this(role, listen, peer, secret, smallWriteThreshold, onPeerLoss, suspendTimeout, heartbeat, nodeName, null);
    }

    /** Named after this machine ({@link #hostName()}). */
    public PairConfig(Role role, InetSocketAddress listen, InetSocketAddress peer, byte[] secret,
            int smallWriteThreshold, OnPeerLoss onPeerLoss, Duration suspendTimeout, Duration heartbeat) {
        this(role, listen, peer, secret, smallWriteThreshold, onPeerLoss, suspendTimeout, heartbeat, hostName());
    }

    /**
     * The machine's host name, the default node name: the kernel's (no DNS lookup to hang on),
     * else what Java resolves, else "localhost" (two such nodes then have to set node.name).
     * Looked up once per process.
     */
    public static String hostName() {
        return HostName.NAME;
    }

    private static final class HostName {
        static final String NAME = lookUp();

        private static String lookUp() {
            try {
                String kernel = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
                if (!kernel.isEmpty()) {
                    return kernel;
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or no /proc: ask Java
            }
            try {
                String name = InetAddress.getLocalHost().getHostName();
                return name.isEmpty() ? "localhost" : name;
            } catch (IOException e) {
                return "localhost";
            }
        }
    }

    /** Defaults: 32 KiB small writes, SUSPEND for 30 s, 1 s heartbeats. */
    public static PairConfig of(Role role, InetSocketAddress listen, InetSocketAddress peer, byte[] secret) {
        return new PairConfig(role, listen, peer, secret, WriteFramer.DEFAULT_SMALL_WRITE_THRESHOLD,
                OnPeerLoss.SUSPEND, DEFAULT_SUSPEND_TIMEOUT, DEFAULT_HEARTBEAT);
    }

    public PairConfig withPeer(InetSocketAddress p) {
        return new PairConfig(role, listen, p, secret, smallWriteThreshold, onPeerLoss, suspendTimeout, heartbeat, nodeName, tls);
    }

    public PairConfig withOnPeerLoss(OnPeerLoss policy, Duration timeout) {
        return new PairConfig(role, listen, peer, secret, smallWriteThreshold, policy, timeout, heartbeat, nodeName, tls);
    }

    public PairConfig withSmallWriteThreshold(int bytes) {
        return new PairConfig(role, listen, peer, secret, bytes, onPeerLoss, suspendTimeout, heartbeat, nodeName, tls);
    }

    public PairConfig withHeartbeat(Duration period) {
        return new PairConfig(role, listen, peer, secret, smallWriteThreshold, onPeerLoss, suspendTimeout, period, nodeName, tls);
    }

    public PairConfig withTls(LinkTls t) {
        return new PairConfig(role, listen, peer, secret, smallWriteThreshold, onPeerLoss, suspendTimeout, heartbeat, nodeName, t);
    }

    public PairConfig withNodeName(String name) {
        return new PairConfig(role, listen, peer, secret, smallWriteThreshold, onPeerLoss, suspendTimeout, heartbeat, name, tls);
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PairConfig c && role == c.role && Objects.equals(listen, c.listen)
                && Objects.equals(peer, c.peer) && Arrays.equals(secret, c.secret)
                && smallWriteThreshold == c.smallWriteThreshold && onPeerLoss == c.onPeerLoss
                && suspendTimeout.equals(c.suspendTimeout) && heartbeat.equals(c.heartbeat) && nodeName.equals(c.nodeName)
                && Objects.equals(tls, c.tls);
    }

    @Override
    public int hashCode() {
        return Objects.hash(role, listen, peer, Arrays.hashCode(secret), smallWriteThreshold, onPeerLoss,
                suspendTimeout, heartbeat, nodeName, tls);
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "PairConfig[nodeName=" + nodeName + ", role=" + role + ", listen=" + listen + ", peer=" + peer + ", smallWriteThreshold="
                + smallWriteThreshold + ", onPeerLoss=" + onPeerLoss + ", suspendTimeout=" + suspendTimeout
                + ", heartbeat=" + heartbeat + ", tls=" + (tls != null) + "]";
    }
}
