package net.twinblock.iscsi.config;

/**
 * What one host, or all of them, may hold of the target: connections (a flood of them is
 * closed at accept, before a byte is read) and sessions per initiator name (more are refused
 * at login with "out of resources").
 *
 * @param maxConnections           connections of every host together
 * @param maxConnectionsPerAddress connections from one source address
 * @param maxSessionsPerInitiator  sessions of one initiator name, discovery ones included
 */
public record ConnectionLimits(int maxConnections, int maxConnectionsPerAddress, int maxSessionsPerInitiator) {

    public static final ConnectionLimits DEFAULT = new ConnectionLimits(1024, 64, 16);

    public ConnectionLimits {
        if (maxConnections < 1 || maxConnectionsPerAddress < 1 || maxSessionsPerInitiator < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1: " + maxConnections + ", "
                    + maxConnectionsPerAddress + ", " + maxSessionsPerInitiator);
        }
    }
}
