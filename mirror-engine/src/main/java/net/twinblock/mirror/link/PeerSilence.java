package net.twinblock.mirror.link;

import java.util.concurrent.atomic.LongAccumulator;

/**
 * The longest a node's mirror-link peer went without sending a byte, over every link since the
 * node started. Set against three heartbeat periods (the limit that ends a link), it tells an
 * administrator how close a loaded pair came to a false link loss before it happens.
 */
public final class PeerSilence {

    private final LongAccumulator longest = new LongAccumulator(Math::max, 0);

    /** The peer was silent for {@code nanos} until now. Any thread. */
    void heard(long nanos) {
        longest.accumulate(nanos);
    }

    /** The longest silence so far, in milliseconds. */
    public long longestMillis() {
        return longest.get() / 1_000_000;
    }
}
