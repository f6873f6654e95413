package net.twinblock.mirror.resync;

import java.time.Duration;

/**
 * scrub.* settings.
 *
 * @param interval scrub.interval: time between the end of one scrub and the start of the next;
 *     null for off (the default: scrubs then run only on demand)
 * @param maxBytesPerSecond scrub.max-rate: read rate cap on each node; 0 for unlimited
 * @param repair scrub.repair: copy mismatching blocks from this node (the primary) to the peer
 * @param algorithm resync.checksum
 * @param blocksPerRegion blocks per hash (1: mismatches are exact to the block)
 * @param regionsPerBatch hashes per message to the peer
 */
public record ScrubSettings(Duration interval, long maxBytesPerSecond, boolean repair, ChecksumAlgorithm algorithm,
        int blocksPerRegion, int regionsPerBatch) {

    /** scrub.max-rate default: low enough to leave the disks to the hosts. */
    public static final long DEFAULT_MAX_RATE = 16L << 20;

    public ScrubSettings {
        if (interval != null && (interval.isNegative() || interval.isZero())) {
            throw new IllegalArgumentException("scrub.interval must be positive (or absent for off), not " + interval);
        }
        if (maxBytesPerSecond < 0) {
            throw new IllegalArgumentException("scrub.max-rate must not be negative, not " + maxBytesPerSecond);
        }
        if (algorithm == null) {
            throw new IllegalArgumentException("resync.checksum must be set");
        }
        if (blocksPerRegion < 1 || regionsPerBatch < 1) {
            throw new IllegalArgumentException("scrub blocks per hash and hashes per batch must be at least 1, not "
                    + blocksPerRegion + " and " + regionsPerBatch);
        }
    }

    /** Off, 16 MiB/s, report only, CRC32C per block, 256 hashes per batch. */
    public static ScrubSettings defaults() {
        return new ScrubSettings(null, DEFAULT_MAX_RATE, false, ChecksumAlgorithm.CRC32C, 1, 256);
    }

    public ScrubSettings withInterval(Duration newInterval) {
        return new ScrubSettings(newInterval, maxBytesPerSecond, repair, algorithm, blocksPerRegion, regionsPerBatch);
    }

    public ScrubSettings withRepair(boolean newRepair) {
        return new ScrubSettings(interval, maxBytesPerSecond, newRepair, algorithm, blocksPerRegion, regionsPerBatch);
    }

    public ScrubSettings withMaxRate(long bytesPerSecond) {
        return new ScrubSettings(interval, bytesPerSecond, repair, algorithm, blocksPerRegion, regionsPerBatch);
    }
}
