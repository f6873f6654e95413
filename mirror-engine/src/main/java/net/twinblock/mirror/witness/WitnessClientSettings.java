package net.twinblock.mirror.witness;

import java.time.Duration;

/**
 * How a {@link WitnessClient} behaves.
 *
 * @param callTimeout a call (and the handshake) with no answer by then fails with
 *                    {@link WitnessTimeoutException} and the connection is dropped and redialled
 * @param leaseMargin taken off every granted lease ({@link WitnessLease}); must be below the witness's lease
 * @param minBackoff  first wait before redialling a lost or refused connection; doubles up to {@code maxBackoff}
 */
public record WitnessClientSettings(Duration callTimeout, Duration leaseMargin, Duration minBackoff,
                                    Duration maxBackoff) {

    public static final WitnessClientSettings DEFAULTS = new WitnessClientSettings(Duration.ofSeconds(1),
            Duration.ofMillis(250), Duration.ofMillis(100), Duration.ofSeconds(2));

    public WitnessClientSettings {
        if (!positive(callTimeout) || !positive(minBackoff) || !positive(maxBackoff) || leaseMargin == null
                || leaseMargin.isNegative() || minBackoff.compareTo(maxBackoff) > 0) {
            throw new IllegalArgumentException("bad witness client settings: timeout " + callTimeout + ", margin "
                    + leaseMargin + ", backoff " + minBackoff + ".." + maxBackoff);
        }
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }
}
