package net.twinblock.mirror.record;

/**
 * Counters of one predictive record since it was opened.
 *
 * @param hostWrites       writes admitted (hits plus misses)
 * @param hits             writes that went ahead at once: their extents were durably recorded
 * @param misses           writes that had to wait for a record update
 * @param recordWrites     record updates (one local file write plus one replication each)
 * @param extentsRecorded  extents in the record now
 * @param extentsAdded     extents added because a write needed them
 * @param extentsPredicted extents added because the predictor expected a write there
 * @param evictions        idle extents dropped to stay within capacity
 * @param waitsForRoom     misses that waited for room (record full of busy or dirty extents)
 * @param extentsDirty     idle extents now waiting for a flush of both nodes before they may leave
 * @param roomFlushes      flushes of both nodes the record started to clean dirty extents
 */
public record RecordMetrics(long hostWrites, long hits, long misses, long recordWrites, int extentsRecorded,
        long extentsAdded, long extentsPredicted, long evictions, long waitsForRoom, int extentsDirty,
        long roomFlushes) {

    /** The benchmark's figure of merit; 0 before the first write. */
    public double recordWritesPer1000HostWrites() {
        return hostWrites == 0 ? 0 : recordWrites * 1000.0 / hostWrites;
    }

    /** Fraction of writes that cost no record I/O; 0 before the first write. */
    public double hitRatio() {
        return hostWrites == 0 ? 0 : (double) hits / hostWrites;
    }
}
