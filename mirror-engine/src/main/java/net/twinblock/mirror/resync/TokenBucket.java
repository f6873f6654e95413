package net.twinblock.mirror.resync;

import java.util.function.LongSupplier;

/**
 * Bytes-per-second limit for background scans (scrub.max-rate, resync rate): a caller reserves
 * the bytes it is about to read and is told how long to wait first. Reservations may run the
 * bucket into debt, so one large read waits proportionally instead of never fitting.
 */
public final class TokenBucket {

    private final long bytesPerSecond;
    private final double burst;
    private final LongSupplier nanoClock;
    private double tokens;
    private long lastNanos;

    /**
     * @param bytesPerSecond the limit; 0 means unlimited
     * @param burstBytes how much may go at once after idling
     */
    public TokenBucket(long bytesPerSecond, long burstBytes) {
        this(bytesPerSecond, burstBytes, System::nanoTime);
    }

    TokenBucket(long bytesPerSecond, long burstBytes, LongSupplier nanoClock) {
        if (bytesPerSecond < 0 || burstBytes < 0) {
            throw new IllegalArgumentException("rate limit must not be negative: " + bytesPerSecond + " B/s, burst "
                    + burstBytes);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.burst = burstBytes;
        this.nanoClock = nanoClock;
        this.tokens = burstBytes;
        this.lastNanos = nanoClock.getAsLong();
    }

    public static TokenBucket unlimited() {
        return new TokenBucket(0, 0);
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** Takes {@code bytes} from the bucket; returns the nanoseconds to wait before using them (0: go now). */
    public synchronized long reserve(long bytes) {
        if (bytesPerSecond == 0) {
            return 0;
        }
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - lastNanos) * (bytesPerSecond / 1e9));
        lastNanos = now;
        tokens -= bytes;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens * 1e9 / bytesPerSecond);
    }
}
