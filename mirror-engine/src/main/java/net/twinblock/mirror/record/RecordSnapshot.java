package net.twinblock.mirror.record;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * An immutable copy of the record: which extents may differ between the nodes. The primary
 * persists one per record update and sends it to the secondary, which persists its own copy.
 *
 * <p>Extents are held as sorted indexes, so "does this range touch a recorded extent" is one
 * binary search, cheap enough to ask on every read of the secondary.
 */
public final class RecordSnapshot {

    /** "TBRS": a snapshot on the wire, see {@link #toBytes()}. */
    private static final int WIRE_MAGIC = 0x54425253;
    private static final int WIRE_HEADER = 4 + 8 + 8 + 4;

    private final long generation;
    private final long extentSize;
    private final long[] indexes;

    private RecordSnapshot(long generation, long extentSize, long[] sortedUniqueIndexes) {
        if (extentSize <= 0) {
            throw new IllegalArgumentException("extent size must be positive, not " + extentSize);
        }
        this.generation = generation;
        this.extentSize = extentSize;
        this.indexes = sortedUniqueIndexes;
    }

    /** A snapshot of {@code extents} (any order, duplicates ignored). */
    public static RecordSnapshot of(long generation, long extentSize, Collection<Extent> extents) {
        long[] idx = new long[extents.size()];
        int n = 0;
        for (Extent e : extents) {
            idx[n++] = e.index();
        }
        return ofIndexes(generation, extentSize, idx);
    }

    static RecordSnapshot ofIndexes(long generation, long extentSize, long[] indexes) {
        long[] sorted = indexes.clone();
        Arrays.sort(sorted);
        int n = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] < 0) {
                throw new IllegalArgumentException("negative extent index " + sorted[i]);
            }
            if (n == 0 || sorted[n - 1] != sorted[i]) {
                sorted[n++] = sorted[i];
            }
        }
        return new RecordSnapshot(generation, extentSize, n == sorted.length ? sorted : Arrays.copyOf(sorted, n));
    }

    public static RecordSnapshot empty(long generation, long extentSize) {
        return new RecordSnapshot(generation, extentSize, new long[0]);
    }

    /** The primary's persist sequence number; increases by one per record update. */
    public long generation() {
        return generation;
    }

    public long extentSize() {
        return extentSize;
    }

    public int size() {
        return indexes.length;
    }

    public boolean isEmpty() {
        return indexes.length == 0;
    }

    /** The extents in ascending order. */
    public List<Extent> extents() {
        return new AbstractList<>() {
            @Override
            public Extent get(int i) {
                return new Extent(indexes[i]);
            }

            @Override
            public int size() {
                return indexes.length;
            }
        };
    }

    long[] indexes() {
        return indexes; // callers in this package never modify it
    }

    public boolean contains(Extent extent) {
        return Arrays.binarySearch(indexes, extent.index()) >= 0;
    }

    /** True if any byte of {@code [offset, offset + length)} lies in a recorded extent. */
    public boolean touches(long offset, long length) {
        if (length <= 0 || indexes.length == 0) {
            return false;
        }
        long first = Extent.first(offset, extentSize);
        long last = Extent.last(offset, length, extentSize);
        int at = Arrays.binarySearch(indexes, first);
        if (at >= 0) {
            return true;
        }
        int insertion = -at - 1;
        return insertion < indexes.length && indexes[insertion] <= last;
    }

    /** Extents in either snapshot (same extent size), with {@code other}'s generation. */
    RecordSnapshot union(RecordSnapshot other) {
        if (other.extentSize != extentSize) {
            return union(other.inExtentsOf(extentSize));
        }
        long[] a = indexes;
        long[] b = other.indexes;
        long[] out = new long[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < b.length) {
            long next;
            if (j == b.length || (i < a.length && a[i] <= b[j])) {
                next = a[i++];
            } else {
                next = b[j++];
            }
            if (n == 0 || out[n - 1] != next) {
                out[n++] = next;
            }
        }
        return new RecordSnapshot(other.generation, extentSize, Arrays.copyOf(out, n));
    }

    /**
     * This snapshot in {@code extentSize} units: every byte recorded here stays recorded (the new
     * extents cover at least the old ones), so converting never loses a region to resynchronise.
     */
    public RecordSnapshot inExtentsOf(long newExtentSize) {
        if (newExtentSize == extentSize) {
            return this;
        }
        long[] out = new long[0];
        int n = 0;
        for (long i : indexes) {
            long from = i * extentSize / newExtentSize;
            long to = ((i + 1) * extentSize - 1) / newExtentSize;
            for (long j = from; j <= to; j++) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, Math.max(16, n * 2));
                }
                out[n++] = j;
            }
        }
        return ofIndexes(generation, newExtentSize, Arrays.copyOf(out, n));
    }

    /**
     * The snapshot as bytes for the peer link: magic, generation, extent size, count, indexes
     * (all big-endian) and a CRC32C of everything before it.
     */
    public byte[] toBytes() {
        ByteBuffer buf = ByteBuffer.allocate(WIRE_HEADER + 8 * indexes.length + 4);
        buf.putInt(WIRE_MAGIC).putLong(generation).putLong(extentSize).putInt(indexes.length);
        for (long i : indexes) {
            buf.putLong(i);
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        return buf.array();
    }

    /** Parses {@link #toBytes()}; a damaged or foreign message is an IllegalArgumentException. */
    public static RecordSnapshot fromBytes(byte[] bytes) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            if (buf.getInt() != WIRE_MAGIC) {
                throw new IllegalArgumentException("not a record snapshot (bad magic)");
            }
            long generation = buf.getLong();
            long extentSize = buf.getLong();
            int count = buf.getInt();
            if (count < 0 || bytes.length != WIRE_HEADER + 8L * count + 4) {
                throw new IllegalArgumentException("record snapshot of " + bytes.length
                        + " bytes cannot hold " + count + " extents");
            }
            long[] idx = new long[count];
            for (int i = 0; i < count; i++) {
                idx[i] = buf.getLong();
            }
            CRC32C crc = new CRC32C();
            crc.update(bytes, 0, buf.position());
            if (buf.getInt() != (int) crc.getValue()) {
                throw new IllegalArgumentException("record snapshot fails its CRC32C check");
            }
            if (extentSize < 4096 || Long.bitCount(extentSize) != 1) {
                throw new IllegalArgumentException("record snapshot has a bad extent size " + extentSize);
            }
            return ofIndexes(generation, extentSize, idx);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("record snapshot truncated at " + bytes.length + " bytes", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordSnapshot s && s.generation == generation && s.extentSize == extentSize
                && Arrays.equals(s.indexes, indexes);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(generation) * 31 + Arrays.hashCode(indexes);
    }

    @Override
    public String toString() {
        return "RecordSnapshot[generation=" + generation + ", extentSize=" + extentSize + ", extents="
                + (indexes.length <= 16 ? Arrays.toString(indexes) : indexes.length + " extents") + "]";
    }
}
