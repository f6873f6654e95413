package net.twinblock.mirror.resync;

/**
 * Decides, before each batch of a {@link ChecksumScanner}, how many regions it covers and how
 * long the scan waits before reading them. Called on the scanner's scheduler only, one batch at
 * a time.
 */
@FunctionalInterface
public interface ScanPacer {

    /**
     * @param first the batch's first region
     * @param upTo the most regions the batch may cover (the scan's batch size, or what is left)
     */
    Pace next(long first, int upTo);

    /** {@code upTo} regions each time, within {@code limiter}'s rate. */
    static ScanPacer fixed(TokenBucket limiter, ScanGeometry geometry) {
        return (first, upTo) -> new Pace(upTo, limiter.reserve(geometry.bytes(first, upTo)));
    }

    /**
     * @param regions 1 to the offered number: read that many after {@code waitNanos}; 0: read
     *     nothing now, ask the pacer again after {@code waitNanos} (a pause)
     */
    record Pace(int regions, long waitNanos) {
        public Pace {
            if (regions < 0 || waitNanos < 0 || (regions == 0 && waitNanos == 0)) {
                throw new IllegalArgumentException("bad pace: " + regions + " regions after " + waitNanos + " ns");
            }
        }
    }
}
