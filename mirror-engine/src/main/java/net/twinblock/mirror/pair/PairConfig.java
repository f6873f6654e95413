package net.twinblock.mirror.pair;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import net.twinblock.mirror.link.FrameHeader;
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
 */
public record PairConfig(Role role, InetSocketAddress listen, InetSocketAddress peer, byte[] secret,
        int smallWriteThreshold, OnPeerLoss onPeerLoss, Duration suspendTimeout, Duration heartbeat) {

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
    }

    /** Defaults: 32 KiB small writes, SUSPEND for 30 s, 1 s heartbeats. */
    public static PairConfig of(Role role, InetSocketAddress listen, InetSocketAddress peer, byte[] secret) {
        return new PairConfig(role, listen, peer, secret, WriteFramer.DEFAULT_SMALL_WRITE_THRESHOLD,
                OnPeerLoss.SUSPEND, DEFAULT_SUSPEND_TIMEOUT, DEFAULT_HEARTBEAT);
    }

    public PairConfig withPeer(InetSocketAddress p) {
        return new PairConfig(role, listen, p, secret, smallWriteThreshold, onPeerLoss, suspendTimeout, heartbeat);
    }

    public PairConfig withOnPeerLoss(OnPeerLoss policy, Duration timeout) {
        return new PairConfig(role, listen, peer, secret, smallWriteThreshold, policy, timeout, heartbeat);
    }

    public PairConfig withSmallWriteThreshold(int bytes) {
        return new PairConfig(role, listen, peer, secret, bytes, onPeerLoss, suspendTimeout, heartbeat);
    }

    public PairConfig withHeartbeat(Duration period) {
        return new PairConfig(role, listen, peer, secret, smallWriteThreshold, onPeerLoss, suspendTimeout, period);
    }

    public PairConfig withRole(Role r) {
        return new PairConfig(r, listen, peer, secret, smallWriteThreshold, onPeerLoss, suspendTimeout, heartbeat);
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
                && suspendTimeout.equals(c.suspendTimeout) && heartbeat.equals(c.heartbeat);
    }

    @Override
    public int hashCode() {
        return Objects.hash(role, listen, peer, Arrays.hashCode(secret), smallWriteThreshold, onPeerLoss,
                suspendTimeout, heartbeat);
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "PairConfig[role=" + role + ", listen=" + listen + ", peer=" + peer + ", smallWriteThreshold="
                + smallWriteThreshold + ", onPeerLoss=" + onPeerLoss + ", suspendTimeout=" + suspendTimeout
                + ", heartbeat=" + heartbeat + "]";
    }
}
