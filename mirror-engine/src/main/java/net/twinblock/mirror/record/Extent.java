package net.twinblock.mirror.record;

/**
 * One extent of the volume: bytes {@code [index * extentSize, (index + 1) * extentSize)}. The
 * unit the record tracks, so a recorded extent is the smallest region a crash recovery copies.
 */
public record Extent(long index) implements Comparable<Extent> {

    public Extent {
        if (index < 0) {
            throw new IllegalArgumentException("extent index must not be negative, not " + index);
        }
    }

    /** Index of the first extent a write of {@code length > 0} bytes at {@code offset} touches. */
    static long first(long offset, long extentSize) {
        return offset / extentSize;
    }

    /** Index of the last extent a write of {@code length > 0} bytes at {@code offset} touches. */
    static long last(long offset, long length, long extentSize) {
        return (offset + length - 1) / extentSize;
    }

    /** First byte of this extent. */
    public long offset(long extentSize) {
        return index * extentSize;
    }

    @Override
    public int compareTo(Extent other) {
        return Long.compare(index, other.index);
    }
}
