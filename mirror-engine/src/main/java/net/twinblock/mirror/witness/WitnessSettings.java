package net.twinblock.mirror.witness;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a witness runs.
 *
 * @param listen  where nodes connect
 * @param keys    the pairs' keys (one per pair, or per group of pairs), each at least 16 bytes
 * @param dataDir where each pair's state file lives
 * @param lease   how long a lease the witness grants the primary; promotion waits this long after
 *                the primary's last renewal (and after a witness restart)
 */
public record WitnessSettings(InetSocketAddress listen, List<byte[]> keys, Path dataDir, Duration lease) {

    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(2);

    public WitnessSettings {
        if (listen == null || dataDir == null || keys == null || keys.isEmpty()) {
            throw new IllegalArgumentException("a witness needs an address, a data directory and at least one key");
        }
        if (lease == null || lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("the lease must be positive, not " + lease);
        }
        keys = List.copyOf(keys);
    }
}
