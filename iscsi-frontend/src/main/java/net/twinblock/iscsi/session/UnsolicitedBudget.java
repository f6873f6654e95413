package net.twinblock.iscsi.session;

/**
 * The immediate and unsolicited Data-Out one connection may hold at a time. RFC 7143 lets an
 * initiator send it unasked, up to FirstBurstLength per command and for every command of its
 * window, immediate commands besides; a command whose share would pass this limit is answered
 * TASK SET FULL (the initiator retries it) and its data is dropped as it arrives.
 *
 * <p>Touched only on the connection's event loop.
 */
final class UnsolicitedBudget {

    /**
     * 32 MiB: 128 commands of 256 KiB, what open-iscsi's default queue could have in flight,
     * and data is held only until its command starts, so a well-behaved host stays far below.
     */
    static final long DEFAULT_LIMIT = 32L * 1024 * 1024;

    private final long limit;
    private long held;

    UnsolicitedBudget(long limit) {
        this.limit = limit;
    }

    /** Takes {@code bytes} if they fit; false (and nothing taken) if not. */
    boolean tryReserve(long bytes) {
        if (held + bytes > limit) {
            return false;
        }
        held += bytes;
        return true;
    }

    void release(long bytes) {
        held -= bytes;
    }

    long held() {
        return held;
    }
}
