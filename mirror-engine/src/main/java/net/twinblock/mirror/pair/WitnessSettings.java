package net.twinblock.mirror.pair;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the pair's witness is (mirror.witness), what it knows the pair by (the target IQN), and
 * the lease its primary holds (mirror.lease, matching the witness's --lease).
 */
public record WitnessSettings(InetSocketAddress address, String pairId, Duration lease) {
    public WitnessSettings {
        Objects.requireNonNull(address, "mirror.witness");
        Objects.requireNonNull(pairId, "pair id");
        if (lease == null || lease.toMillis() < 200) {
            throw new IllegalArgumentException("mirror.lease must be at least 200 ms, not " + lease);
        }
    }
}
