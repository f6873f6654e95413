package net.twinblock.mirror.pair;

import java.time.Duration;
import net.twinblock.mirror.link.PointManifest;

/**
 * Consistency points (DESIGN section 6), {@code cp.*}: a point every {@code interval}, when the
 * writes since the last one reach {@code maxBytes}, and after a host flush, at most one per
 * {@code flushSpacing} for those, in blocks of {@code blockSize}. {@link #OFF}: the secondary
 * applies its journal as it appends, as before.
 */
public record PointSettings(boolean enabled, Duration interval, long maxBytes, int blockSize, Duration flushSpacing) {

    /** A flush's point at most this soon after the last point (cp.flush-spacing's default). */
    public static final Duration DEFAULT_FLUSH_SPACING = Duration.ofMillis(10);
    public static final PointSettings OFF = new PointSettings(false, Duration.ofSeconds(1), 64L << 20, 4096,
            DEFAULT_FLUSH_SPACING);

    public PointSettings {
        if (interval.compareTo(Duration.ofMillis(10)) < 0) {
            throw new IllegalArgumentException("cp.interval must be at least 10ms, not " + interval);
        }
        if (flushSpacing.isNegative() || flushSpacing.compareTo(interval) > 0) {
            throw new IllegalArgumentException("cp.flush-spacing must be between 0 and cp.interval (" + interval
                    + "), not " + flushSpacing);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("cp.max-bytes must be positive, not " + maxBytes);
        }
        if (blockSize < PointManifest.MIN_BLOCK_SIZE || blockSize > PointManifest.MAX_BLOCK_SIZE
                || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("cp.block-size must be a power of two in " + PointManifest.MIN_BLOCK_SIZE
                    + ".." + PointManifest.MAX_BLOCK_SIZE + ", not " + blockSize);
        }
    }
}
