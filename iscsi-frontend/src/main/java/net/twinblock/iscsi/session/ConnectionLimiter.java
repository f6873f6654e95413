package net.twinblock.iscsi.session;

import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import net.twinblock.iscsi.config.ConnectionLimits;

/**
 * Counts the target's connections, in all and per source address, and says whether one more
 * may stay. A connection refused here is closed before its first byte is read, so a flood of
 * them costs a socket each for a moment, no buffers and no login state.
 *
 * <p>Shared by every event loop; it locks, and nothing under the lock blocks.
 */
public final class ConnectionLimiter {

    /** Why a connection was refused, or none. */
    public enum Verdict {
        ADMITTED, TOO_MANY, TOO_MANY_FROM_ADDRESS
    }

    private final ConnectionLimits limits;
    private final Map<String, Integer> byAddress = new HashMap<>();
    private int total;
    private long refused;
    private long lastLog;

    public ConnectionLimiter(ConnectionLimits limits) {
        this.limits = limits;
    }

    /** The source a connection from {@code remote} is counted by ({@link SourceKey}, under these limits). */
    public String sourceOf(SocketAddress remote) {
        return SourceKey.of(remote, limits.ipv6SourcePrefix());
    }

    /** Takes a place for a connection from {@code address}; {@link #release} gives it back if ADMITTED. */
    public synchronized Verdict admit(String address) {
        if (total >= limits.maxConnections()) {
            refused++;
            return Verdict.TOO_MANY;
        }
        int fromAddress = byAddress.getOrDefault(address, 0);
        if (fromAddress >= limits.maxConnectionsPerAddress()) {
            refused++;
            return Verdict.TOO_MANY_FROM_ADDRESS;
        }
        byAddress.put(address, fromAddress + 1);
        total++;
        return Verdict.ADMITTED;
    }

    /** An admitted connection from {@code address} closed. */
    public synchronized void release(String address) {
        byAddress.computeIfPresent(address, (a, n) -> n > 1 ? n - 1 : null);
        total--;
    }

    /** Connections open now. */
    public synchronized int open() {
        return total;
    }

    /** Connections refused since start, for metrics. */
    public synchronized long refused() {
        return refused;
    }

    /**
     * True at most every {@code intervalNanos}: a flood of refusals is logged as one line now
     * and then, not one line per connection.
     */
    public synchronized boolean logDue(long nowNanos, long intervalNanos) {
        if (lastLog != 0 && nowNanos - lastLog < intervalNanos) {
            return false;
        }
        lastLog = nowNanos;
        return true;
    }
}
