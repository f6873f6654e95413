package net.twinblock.mirror.resync;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import net.twinblock.mirror.store.AtomicFile;

/**
 * One bit per region of the volume (resync.region-size, 64 KiB by default): set when a write
 * changed the region while the peer could not receive it. On reconnection only set regions are
 * copied. Coarse on purpose: a 1 TiB volume needs 2 MiB of bitmap, and marking is a few atomic
 * ORs on the write path, with no lock and no allocation.
 *
 * <p>Thread-safe. Bits are set by writers and cleared by the resync as it copies each region; a
 * region cleared and then marked again by a newer write simply gets copied again. It is the
 * mirrored volume's {@link DivergenceTracker}.
 */
public final class OutageBitmap implements DivergenceTracker {

    /** resync.region-size default. */
    public static final int DEFAULT_REGION_SIZE = 64 * 1024;

    private static final int MAGIC = 0x54424d31; // "TBM1"

    private final long volumeSize;
    private final int regionSize;
    private final int regionShift;
    private final long regionCount;
    private final AtomicLongArray words;
    private final AtomicLong marked = new AtomicLong();

    /**
     * @param regionSize bytes per bit, a power of two of at least 512
     * @throws IllegalArgumentException naming resync.region-size if the region size is unusable
     */
    public OutageBitmap(long volumeSize, int regionSize) {
        if (regionSize < 512 || Integer.bitCount(regionSize) != 1) {
            throw new IllegalArgumentException("resync.region-size must be a power of two of at least 512"
                    + " bytes, not " + regionSize);
        }
        if (volumeSize <= 0) {
            throw new IllegalArgumentException("volume size must be positive, not " + volumeSize);
        }
        long count = (volumeSize + regionSize - 1) / regionSize;
        if ((count + 63) / 64 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("resync.region-size " + regionSize + " is too small for a volume of "
                    + volumeSize + " bytes");
        }
        this.volumeSize = volumeSize;
        this.regionSize = regionSize;
        this.regionShift = Integer.numberOfTrailingZeros(regionSize);
        this.regionCount = count;
        this.words = new AtomicLongArray((int) ((count + 63) / 64));
    }

    public long volumeSize() {
        return volumeSize;
    }

    public int regionSize() {
        return regionSize;
    }

    public long regionCount() {
        return regionCount;
    }

    /** Byte offset where {@code region} starts. */
    public long regionOffset(long region) {
        return region << regionShift;
    }

    /** Bytes in {@code region}: the region size, less for a last region cut short by the volume's end. */
    public int regionLength(long region) {
        return (int) Math.min(regionSize, volumeSize - regionOffset(region));
    }

    /** The region holding byte {@code offset}. */
    public long regionOf(long offset) {
        return offset >>> regionShift;
    }

    @Override
    public void markChanged(long offset, long length) {
        if (length <= 0) {
            return;
        }
        if (offset < 0 || offset >= volumeSize || length > volumeSize - offset) {
            throw new IllegalArgumentException("range of " + length + " bytes at " + offset
                    + " is outside the volume (" + volumeSize + " bytes)");
        }
        markRegions(regionOf(offset), regionOf(offset + length - 1));
    }

    @Override
    public boolean anyChanged() {
        return markedCount() > 0;
    }

    /** Clears every region: the peer is known to be identical again (a full copy finished). */
    @Override
    public void clear() {
        for (int i = 0; i < words.length(); i++) {
            long old = words.getAndSet(i, 0);
            if (old != 0) {
                marked.addAndGet(-Long.bitCount(old));
            }
        }
    }

    /** Marks every region: a full copy, when nothing is known about what differs. */
    public void markAll() {
        markRegions(0, regionCount - 1);
    }

    /** Marks one region. */
    public void markRegion(long region) {
        checkRegion(region);
        markRegions(region, region);
    }

    private void markRegions(long first, long last) {
        long added = 0;
        for (long r = first; r <= last; ) {
            int word = (int) (r >>> 6);
            long lastInWord = Math.min(last, ((long) word << 6) + 63);
            long mask = maskOf((int) (r & 63), (int) (lastInWord & 63));
            long old = words.get(word);
            // The common case during an outage is re-marking hot regions: one read, no write.
            while ((old & mask) != mask) {
                long witness = words.compareAndExchange(word, old, old | mask);
                if (witness == old) {
                    added += Long.bitCount(mask & ~old);
                    break;
                }
                old = witness;
            }
            r = lastInWord + 1;
        }
        if (added != 0) {
            marked.addAndGet(added);
        }
    }

    /** Bits {@code from..to} (inclusive) of a word. */
    private static long maskOf(int from, int to) {
        long upTo = to == 63 ? -1L : (1L << (to + 1)) - 1;
        return upTo & (-1L << from);
    }

    /** Clears one region's bit; true if it was set (the caller now owns copying it). */
    public boolean clearRegion(long region) {
        checkRegion(region);
        int word = (int) (region >>> 6);
        long bit = 1L << (region & 63);
        long old = words.getAndUpdate(word, w -> w & ~bit);
        if ((old & bit) != 0) {
            marked.decrementAndGet();
            return true;
        }
        return false;
    }

    public boolean isMarked(long region) {
        checkRegion(region);
        return (words.get((int) (region >>> 6)) & (1L << (region & 63))) != 0;
    }

    /** Regions marked right now. */
    public long markedCount() {
        return marked.get();
    }

    /** Bytes a resync would copy right now (the last region may be short). */
    public long markedBytes() {
        long bytes = markedCount() * regionSize;
        long last = regionCount - 1;
        if (isMarked(last)) {
            bytes -= regionSize - regionLength(last);
        }
        return bytes;
    }

    /** The first marked region at or after {@code from}, or -1 if there is none. */
    public long nextMarked(long from) {
        if (from < 0) {
            from = 0;
        }
        if (from >= regionCount) {
            return -1;
        }
        int word = (int) (from >>> 6);
        long w = words.get(word) & (-1L << (from & 63));
        while (true) {
            if (w != 0) {
                long region = ((long) word << 6) + Long.numberOfTrailingZeros(w);
                return region < regionCount ? region : -1;
            }
            if (++word >= words.length()) {
                return -1;
            }
            w = words.get(word);
        }
    }

    /** A copy of the bits as 64-bit words, region r at bit r % 64 of word r / 64. */
    public long[] snapshot() {
        long[] copy = new long[words.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = words.get(i);
        }
        return copy;
    }

    /** Sets every region marked in {@code snapshot} (a {@link #snapshot()} of a bitmap of the same shape). */
    public void markFrom(long[] snapshot) {
        if (snapshot.length != words.length()) {
            throw new IllegalArgumentException("bitmap snapshot has " + snapshot.length + " words, this bitmap "
                    + words.length());
        }
        for (int i = 0; i < snapshot.length; i++) {
            long bits = snapshot[i];
            while (bits != 0) {
                long region = ((long) i << 6) + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                if (region < regionCount) {
                    markRegion(region);
                }
            }
        }
    }

    /**
     * Saves the bits (optional: the design only needs the bitmap in memory; a saved bitmap lets a
     * clean restart of the primary during an outage avoid a full checksum scan).
     */
    public void save(Path file) throws IOException {
        long[] bits = snapshot();
        ByteBuffer body = ByteBuffer.allocate(4 + 8 + 4 + 8 * bits.length);
        body.putInt(MAGIC).putLong(volumeSize).putInt(regionSize);
        for (long w : bits) {
            body.putLong(w);
        }
        AtomicFile.write(file, body.array());
    }

    /**
     * Loads a bitmap saved by {@link #save}, or returns null if there is no such file.
     *
     * @throws IOException if the file is damaged or was saved for another volume size or region size
     */
    public static OutageBitmap load(Path file, long volumeSize, int regionSize) throws IOException {
        byte[] body = AtomicFile.read(file);
        if (body == null) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(body);
        if (body.length < 16 || in.getInt() != MAGIC) {
            throw new IOException(file + " is not an outage bitmap");
        }
        long savedSize = in.getLong();
        int savedRegion = in.getInt();
        if (savedSize != volumeSize || savedRegion != regionSize) {
            throw new IOException(file + " holds a bitmap for " + savedSize + " bytes in regions of " + savedRegion
                    + ", not " + volumeSize + " bytes in regions of " + regionSize);
        }
        OutageBitmap bitmap = new OutageBitmap(volumeSize, regionSize);
        long[] bits = new long[bitmap.words.length()];
        if (in.remaining() != 8 * bits.length) {
            throw new IOException(file + " has " + in.remaining() + " bytes of bits, expected " + 8 * bits.length);
        }
        for (int i = 0; i < bits.length; i++) {
            bits[i] = in.getLong();
        }
        bitmap.markFrom(bits);
        return bitmap;
    }

    private void checkRegion(long region) {
        if (region < 0 || region >= regionCount) {
            throw new IndexOutOfBoundsException("region " + region + " of " + regionCount);
        }
    }

    @Override
    public String toString() {
        return "OutageBitmap[" + markedCount() + " of " + regionCount + " regions of " + regionSize + " bytes]";
    }
}
