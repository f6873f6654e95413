package net.twinblock.mirror.resync;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Paces a scrub so that hosts do not notice it: while the volume saw host I/O in the last
 * {@link #QUIET_NANOS}, the scrub reads small batches at scrub.busy-rate (or pauses, at 0);
 * once hosts leave the volume alone it reads full batches at scrub.max-rate. The same idea as
 * md's speed_limit_min/max and DRBD's c-min-rate: a rate cap alone cannot keep latency flat,
 * because a scrub read that lands next to a host command delays it whatever the average rate.
 *
 * <p>Host activity is a counter of host operations (sampled before every batch): any change
 * since the last sample means the hosts are at work. Sampling late only makes the throttle
 * stay busy longer, never shorter. A scrub starts as if hosts were busy, so a scrub that starts
 * under load never opens with a large batch.
 *
 * <p>Not thread-safe: the scanner asks from its one scheduler thread; {@link #throttled()} may
 * be read from anywhere.
 */
public final class ScrubThrottle implements ScanPacer {

    /** How long after the last host operation the volume counts as busy. */
    static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /**
     * Bytes a batch reads at most while hosts are busy: one short read on each node, so a host
     * command queued behind it waits for 64 KiB, not for the idle batch (up to 4 MiB).
     */
    static final int BUSY_BATCH_BYTES = 64 << 10;

    private final ScanGeometry geometry;
    private final LongSupplier hostOperations;
    private final LongSupplier nanoClock;
    private final int busyRegions;
    private final long busyRate;
    private final TokenBucket idleBucket;
    private final TokenBucket busyBucket;
    private long lastOperations;
    private long lastActivity;
    private volatile boolean throttled = true;

    /**
     * @param hostOperations a count of host reads and writes of the scrubbed volume (only ever grows)
     */
    public ScrubThrottle(ScrubSettings settings, ScanGeometry geometry, LongSupplier hostOperations) {
        this(settings, geometry, hostOperations, System::nanoTime);
    }

    ScrubThrottle(ScrubSettings settings, ScanGeometry geometry, LongSupplier hostOperations, LongSupplier nanoClock) {
        this.geometry = geometry;
        this.hostOperations = hostOperations;
        this.nanoClock = nanoClock;
        this.busyRegions = Math.max(1, BUSY_BATCH_BYTES / geometry.regionBytes());
        this.busyRate = settings.effectiveBusyRate();
        int idleRegions = settings.regionsPerBatch();
        this.idleBucket = new TokenBucket(settings.maxBytesPerSecond(), geometry.bytes(0, idleRegions), nanoClock);
        this.busyBucket = new TokenBucket(busyRate, geometry.bytes(0, busyRegions), nanoClock);
        this.lastOperations = hostOperations.getAsLong();
        this.lastActivity = nanoClock.getAsLong();
    }

    @Override
    public Pace next(long first, int upTo) {
        long now = nanoClock.getAsLong();
        long ops = hostOperations.getAsLong();
        if (ops != lastOperations) {
            lastOperations = ops;
            lastActivity = now;
        }
        long quietFor = now - lastActivity;
        throttled = quietFor < QUIET_NANOS;
        if (!throttled) {
            return new Pace(upTo, idleBucket.reserve(geometry.bytes(first, upTo)));
        }
        if (busyRate == 0) {
            return new Pace(0, QUIET_NANOS - quietFor); // look again when it could be quiet
        }
        int count = Math.min(upTo, busyRegions);
        return new Pace(count, busyBucket.reserve(geometry.bytes(first, count)));
    }

    /** True while the last decision saw hosts at work (busy rate, small batches). */
    public boolean throttled() {
        return throttled;
    }
}
