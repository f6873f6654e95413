package net.twinblock.mirror.link;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;

/**
 * Who a node is and what it serves, as exchanged at HELLO: {@code volume} is the number (the
 * LUN) of the volume this connection mirrors, {@code volumes} every volume the node mirrors (so
 * each side can name a LUN configured on one node only); the two sides must agree on the
 * volume (id, size, block size) and compare data generations to know which copy is authoritative.
 * {@code nodeId} is the node's name (its node.name, by default the host name): logs and status
 * show it, and an administrator ending a split brain names the losing node by it.
 * {@code flags} say what the node knows of its copy ({@link #FLAG_PAIRED}, {@link #FLAG_EMPTY},
 * {@link #FLAG_CLEAN}): with them the primary decides between "in sync" and a full copy.
 */
public record PeerIdentity(String nodeId, String volumeId, long sizeBytes, int blockSize, long generation,
        int flags, int volume, List<Integer> volumes) {

    /** Volume numbers (a pair's LUN numbers) run 0..MAX_VOLUME, and a node mirrors at most MAX_VOLUMES. */
    public static final int MAX_VOLUME = 0xffff;
    public static final int MAX_VOLUMES = 256;

    /** The volume id was adopted from (or given to) a partner: it names the pair, not just this node. */
    public static final int FLAG_PAIRED = 0x1;
    /** No data was ever written to this volume: it reads as zeros everywhere. */
    public static final int FLAG_EMPTY = 0x2;
    /** The volume is known identical to the partner's (or empty): no copy is needed to resume. */
    public static final int FLAG_CLEAN = 0x4;
    /**
     * This node crashed and its predictive record lists the extents that may differ from the
     * partner; they are resynchronised before the pair reports in sync (set only with a valid record).
     */
    public static final int FLAG_RECOVERING = 0x8;
    /**
     * This secondary is the unfinished target of a resync that its primary started while this
     * process was already running, so it still holds every write it acknowledged (it has not
     * crashed or restarted since). Never persisted: a restart clears it.
     */
    public static final int FLAG_RESYNC_TARGET = 0x10;

    public PeerIdentity(String nodeId, String volumeId, long sizeBytes, int blockSize, long generation) {
        this(nodeId, volumeId, sizeBytes, blockSize, generation, 0);
    }

    /** Volume 0 of a node that mirrors only it. */
    public PeerIdentity(String nodeId, String volumeId, long sizeBytes, int blockSize, long generation, int flags) {
        this(nodeId, volumeId, sizeBytes, blockSize, generation, flags, 0, List.of(0));
    }

    public PeerIdentity {
        if (volume < 0 || volume > MAX_VOLUME) {
            throw new IllegalArgumentException("volume number " + volume + " out of range 0.." + MAX_VOLUME);
        }
        volumes = List.copyOf(new TreeSet<>(volumes));
        if (volumes.size() > MAX_VOLUMES || !volumes.contains(volume)
                || volumes.get(0) < 0 || volumes.get(volumes.size() - 1) > MAX_VOLUME) {
            throw new IllegalArgumentException("volume " + volume + " must be one of at most " + MAX_VOLUMES
                    + " volumes numbered 0.." + MAX_VOLUME + ", not " + volumes);
        }
        if (flags < 0 || flags > 0xff) {
            throw new IllegalArgumentException("identity flags " + flags + " do not fit 8 bits");
        }
        checkName("node id", nodeId);
        checkName("volume id", volumeId);
        if (sizeBytes <= 0 || blockSize <= 0) {
            throw new IllegalArgumentException("volume size " + sizeBytes + " and block size " + blockSize
                    + " must be positive");
        }
    }

    public boolean paired() {
        return (flags & FLAG_PAIRED) != 0;
    }

    public boolean empty() {
        return (flags & FLAG_EMPTY) != 0;
    }

    public boolean clean() {
        return (flags & FLAG_CLEAN) != 0;
    }

    public boolean recovering() {
        return (flags & FLAG_RECOVERING) != 0;
    }

    public boolean resyncTarget() {
        return (flags & FLAG_RESYNC_TARGET) != 0;
    }

    private static void checkName(String what, String value) {
        if (value == null || value.isEmpty() || value.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException(what + " must be 1 to 255 bytes of UTF-8, got " + value);
        }
    }
}
