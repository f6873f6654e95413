package net.twinblock.mirror.resync;

import java.time.Duration;

/**
 * scrub.* settings.
 *
 * @param interval scrub.interval: time between the end of one scrub and the start of the next;
 *     null for off (the default: scrubs then run only on demand)
 * @param maxBytesPerSecond scrub.max-rate: read rate cap on each node while hosts leave the
 *     volume alone; 0 for unlimited
 * @param busyBytesPerSecond scrub.busy-rate: read rate cap while hosts use the volume (never
 *     above max-rate); 0 pauses the scrub until they stop
 * @param repair scrub.repair: copy mismatching blocks from this node (the primary) to the peer
 * @param algorithm resync.checksum
 * @param blocksPerRegion blocks per hash (1: mismatches are exact to the block)
 * @param regionsPerBatch hashes per message to the peer while the volume is idle (a busy volume
 *     gets smaller batches, see {@link ScrubThrottle})
 */
public record ScrubSettings(Duration interval, long maxBytesPerSecond, long busyBytesPerSecond, boolean repair,
        ChecksumAlgorithm algorithm, int blocksPerRegion, int regionsPerBatch) {

    /** scrub.max-rate default: low enough to leave the disks to the hosts. */
    public static final long DEFAULT_MAX_RATE = 16L << 20;

    /**
     * scrub.busy-rate default: like md's speed_limit_min, a trickle that keeps a scrub of a
     * volume in constant use moving (a TiB in about six days) without a host noticing it.
     */
    public static final long DEFAULT_BUSY_RATE = 2L << 20;

    public ScrubSettings {
        if (interval != null && (interval.isNegative() || interval.isZero())) {
            throw new IllegalArgumentException("scrub.interval must be positive (or absent for off), not " + interval);
        }
        if (maxBytesPerSecond < 0) {
            throw new IllegalArgumentException("scrub.max-rate must not be negative, not " + maxBytesPerSecond);
        }
        if (busyBytesPerSecond < 0) {
            throw new IllegalArgumentException("scrub.busy-rate must not be negative, not " + busyBytesPerSecond);
        }
        if (algorithm == null) {
            throw new IllegalArgumentException("resync.checksum must be set");
        }
        if (blocksPerRegion < 1 || regionsPerBatch < 1) {
            throw new IllegalArgumentException("scrub blocks per hash and hashes per batch must be at least 1, not "
                    + blocksPerRegion + " and " + regionsPerBatch);
        }
    }

    /** Off, 16 MiB/s idle and 2 MiB/s busy, report only, CRC32C per block, 256 hashes per batch. */
    public static ScrubSettings defaults() {
        return new ScrubSettings(null, DEFAULT_MAX_RATE, DEFAULT_BUSY_RATE, false, ChecksumAlgorithm.CRC32C, 1, 256);
    }

    /** The busy rate in effect: scrub.busy-rate, but never faster than scrub.max-rate. */
    public long effectiveBusyRate() {
        return maxBytesPerSecond == 0 ? busyBytesPerSecond : Math.min(busyBytesPerSecond, maxBytesPerSecond);
    }

    public ScrubSettings withInterval(Duration newInterval) {
        return new ScrubSettings(newInterval, maxBytesPerSecond, busyBytesPerSecond, repair, algorithm,
                blocksPerRegion, regionsPerBatch);
    }

    public ScrubSettings withRepair(boolean newRepair) {
        return new ScrubSettings(interval, maxBytesPerSecond, busyBytesPerSecond, newRepair, algorithm,
                blocksPerRegion, regionsPerBatch);
    }

    public ScrubSettings withMaxRate(long bytesPerSecond) {
        return new ScrubSettings(interval, bytesPerSecond, busyBytesPerSecond, repair, algorithm, blocksPerRegion,
                regionsPerBatch);
    }

    public ScrubSettings withBusyRate(long bytesPerSecond) {
        return new ScrubSettings(interval, maxBytesPerSecond, bytesPerSecond, repair, algorithm, blocksPerRegion,
                regionsPerBatch);
    }
}
