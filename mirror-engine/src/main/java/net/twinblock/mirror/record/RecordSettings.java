package net.twinblock.mirror.record;

/**
 * How the predictive record is sized. Field names in errors are the configuration keys an
 * administrator sets, so a bad value can be found in the config file.
 *
 * @param extentSize   bytes per extent ({@code record.extent-size}); a power of two, at least 4 KiB
 * @param capacity     idle extents the record keeps as hit candidates ({@code record.capacity});
 *                     0 keeps none, so every write misses and persists (the benchmark's worst case)
 * @param predictAhead extents a sequential stream adds beyond the one it enters ({@code record.predict-ahead})
 * @param busyHeadroom extents with writes in flight the record may hold beyond {@code capacity}
 *                     ({@code record.busy-headroom}); it sizes the file's slots. Busy extents can never
 *                     be evicted, so when they alone fill capacity plus headroom, new misses wait
 */
public record RecordSettings(long extentSize, int capacity, int predictAhead, int busyHeadroom) {

    public static final long DEFAULT_EXTENT_SIZE = 4L << 20;
    public static final int DEFAULT_CAPACITY = 1024;
    public static final int DEFAULT_PREDICT_AHEAD = 2;
    /** Far above open-iscsi's 128 commands per session times the extents of a 16 MiB burst. */
    public static final int DEFAULT_BUSY_HEADROOM = 1024;

    /** Upper bounds that keep the record file "small" (a few MiB at most). */
    static final int MAX_ENTRIES = 1 << 20;
    static final int MAX_PREDICT_AHEAD = 64;

    public RecordSettings {
        if (extentSize < 4096 || Long.bitCount(extentSize) != 1) {
            throw new IllegalArgumentException("record.extent-size must be a power of two of at least"
                    + " 4096 bytes, not " + extentSize);
        }
        if (capacity < 0 || capacity > MAX_ENTRIES) {
            throw new IllegalArgumentException("record.capacity must be between 0 and " + MAX_ENTRIES
                    + " extents, not " + capacity);
        }
        if (predictAhead < 0 || predictAhead > MAX_PREDICT_AHEAD) {
            throw new IllegalArgumentException("record.predict-ahead must be between 0 and "
                    + MAX_PREDICT_AHEAD + " extents, not " + predictAhead);
        }
        if (busyHeadroom < 1 || busyHeadroom > MAX_ENTRIES) {
            throw new IllegalArgumentException("record.busy-headroom must be between 1 and "
                    + MAX_ENTRIES + " extents, not " + busyHeadroom);
        }
    }

    public static RecordSettings defaults() {
        return new RecordSettings(DEFAULT_EXTENT_SIZE, DEFAULT_CAPACITY, DEFAULT_PREDICT_AHEAD,
                DEFAULT_BUSY_HEADROOM);
    }

    /** Most extents the record (and so one file slot) ever holds. */
    public int maxEntries() {
        return capacity + busyHeadroom;
    }
}
