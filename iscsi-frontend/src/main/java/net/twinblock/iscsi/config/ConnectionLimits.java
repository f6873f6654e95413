package net.twinblock.iscsi.config;

/**
 * What one host, or all of them, may hold of the target: connections (a flood of them is
 * closed at accept, before a byte is read) and sessions per initiator name (more are refused
 * at login with "out of resources").
 *
 * @param maxConnections           connections of every host together
 * @param maxConnectionsPerAddress connections from one source: an IPv4 address, or an IPv6 prefix
 * @param maxSessionsPerInitiator  sessions of one initiator name, discovery ones included
 * @param ipv6SourcePrefix         the bits of an IPv6 address that name its source (64: one host
 *                                 owns a /64; 128: each address on its own), 32..128
 */
public record ConnectionLimits(int maxConnections, int maxConnectionsPerAddress, int maxSessionsPerInitiator,
        int ipv6SourcePrefix) {

    public static final int DEFAULT_IPV6_SOURCE_PREFIX = 64;
    public static final ConnectionLimits DEFAULT = new ConnectionLimits(1024, 64, 16, DEFAULT_IPV6_SOURCE_PREFIX);

    public ConnectionLimits {
        if (maxConnections < 1 || maxConnectionsPerAddress < 1 || maxSessionsPerInitiator < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1: " + maxConnections + ", "
                    + maxConnectionsPerAddress + ", " + maxSessionsPerInitiator);
        }
        if (ipv6SourcePrefix < 32 || ipv6SourcePrefix > 128) {
            throw new IllegalArgumentException("an IPv6 source prefix is 32..128 bits, not " + ipv6SourcePrefix);
        }
    }

    /** With IPv6 sources counted by their /64. */
    public ConnectionLimits(int maxConnections, int maxConnectionsPerAddress, int maxSessionsPerInitiator) {
        this(maxConnections, maxConnectionsPerAddress, maxSessionsPerInitiator, DEFAULT_IPV6_SOURCE_PREFIX);
    }
}
