package net.twinblock.mirror.link;

/** Why a peer ends the link (ERROR frame argument). Each is something an administrator must fix or know. */
public enum PeerErrorCode {
    /** A frame the receiver could not accept: a bug or a version mismatch. */
    PROTOCOL_ERROR(1),
    /** The HMAC proof did not match: different shared secrets, or not our peer at all. */
    AUTH_FAILED(2),
    /** The peer serves another volume, or one of another size or block size. */
    VOLUME_MISMATCH(3),
    /** Both sides claim newer data: split brain, refused rather than merged. */
    GENERATION_CONFLICT(4),
    /** The receiver is not (or no longer) the peer's partner, e.g. it was promoted. */
    ROLE_CONFLICT(5),
    /** Orderly: the sender is shutting down. */
    SHUTTING_DOWN(6),
    /** Unsupported protocol version. */
    VERSION_MISMATCH(7),
    /**
     * The sender's copy of the volume was detached after a disk failure (disk.on-error=detach):
     * it takes no more writes and serves nothing until repaired; the primary goes on as without
     * its secondary.
     */
    DISK_FAILED(8);

    private final int code;

    PeerErrorCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static PeerErrorCode of(long code) {
        for (PeerErrorCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }
}
