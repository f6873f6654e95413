package net.twinblock.mirror.witness;

/**
 * A lease as the client may count on it: from when it SENT the request, not from when the answer
 * came, less a safety margin. The witness started its lease when it decided, which is after the
 * request left, so on the client's monotonic clock this lease ends before the witness's does
 * (the margin covers the two clocks' rates differing and the time between checking the lease and
 * an acknowledgement leaving). A primary acknowledges writes on the witness's word only while
 * {@link #validAt} is true; the witness promotes its peer only after its own expiry.
 *
 * @param grantedNanos    the lease the witness granted
 * @param sentNanos       {@link System#nanoTime} just before the request was written
 * @param validUntilNanos {@code sentNanos + grantedNanos - margin}: first instant the lease no longer holds
 */
public record WitnessLease(long grantedNanos, long sentNanos, long validUntilNanos) {

    static WitnessLease of(long sentNanos, long grantedNanos, long marginNanos) {
        return new WitnessLease(grantedNanos, sentNanos, sentNanos + Math.max(0, grantedNanos - marginNanos));
    }

    /** True while the lease holds at {@code nanoTime} (a {@link System#nanoTime} reading). */
    public boolean validAt(long nanoTime) {
        return validUntilNanos - nanoTime > 0;
    }

    /** Nanoseconds the lease still holds at {@code nanoTime}, 0 if it no longer does. */
    public long remainingNanos(long nanoTime) {
        return Math.max(0, validUntilNanos - nanoTime);
    }
}
