package net.twinblock.mirror.link;

import java.nio.charset.StandardCharsets;

/**
 * Who a node is and what it serves, as exchanged at HELLO: the two sides must agree on the
 * volume (id, size, block size) and compare data generations to know which copy is authoritative.
 */
public record PeerIdentity(String nodeId, String volumeId, long sizeBytes, int blockSize, long generation) {

    public PeerIdentity {
        checkName("node id", nodeId);
        checkName("volume id", volumeId);
        if (sizeBytes <= 0 || blockSize <= 0) {
            throw new IllegalArgumentException("volume size " + sizeBytes + " and block size " + blockSize
                    + " must be positive");
        }
    }

    private static void checkName(String what, String value) {
        if (value == null || value.isEmpty() || value.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException(what + " must be 1 to 255 bytes of UTF-8, got " + value);
        }
    }
}
