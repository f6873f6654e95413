package net.twinblock.mirror.point;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.twinblock.mirror.link.BlockReference;
import net.twinblock.mirror.link.PointManifest;
import net.twinblock.mirror.store.LongTable;

/**
 * The primary's map of one volume's blocks changed since the last consistency point (DESIGN
 * section 6), at the point's block size (the CP map's granularity, e.g. 4 KiB). For each block it
 * keeps the newest transfer that wrote it whole, or that it was only partly written since a
 * transfer last wrote it whole: a 512-byte write inside a 4 KiB block, or a block two transfers
 * each wrote in part (the journal holds both, but no one entry holds the block, so it is sent
 * whole). A block partly written and then wholly rewritten is a reference again: the later
 * transfer replaces all of it.
 *
 * <p>{@link #written} is called in the order the transfers go on the link (the replicator's send
 * order), so the newest transfer recorded is the newest the secondary journaled; {@link #cut}
 * hands the map over as a {@link Manifest} and starts the next point empty. Thread-safe: the
 * replicator records, the point's timer cuts.
 */
public final class ChangedBlocks {

    /** A block's value while only partly written: no transfer id, which are all 32-bit. */
    private static final long PARTIAL = 1L << 32;
    /** Blocks a fresh map has room for before it grows: a quiet interval's worth. */
    private static final int INITIAL_BLOCKS = 1024;

    private final int blockSize;
    private final int shift;
    /**
     * Block number to transfer id (unsigned, so a wrapped id stays a value) or {@link #PARTIAL}.
     * Primitive: it takes a put per block of every host write, on the host's thread.
     */
    private LongTable blocks = new LongTable(INITIAL_BLOCKS);
    private long hostBytes;

    /** @throws IllegalArgumentException if {@code blockSize} is not a power of two the manifest frame takes */
    public ChangedBlocks(int blockSize) {
        if (blockSize < PointManifest.MIN_BLOCK_SIZE || blockSize > PointManifest.MAX_BLOCK_SIZE
                || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("cp.block-size must be a power of two in " + PointManifest.MIN_BLOCK_SIZE
                    + ".." + PointManifest.MAX_BLOCK_SIZE + ", not " + blockSize);
        }
        this.blockSize = blockSize;
        this.shift = Integer.numberOfTrailingZeros(blockSize);
    }

    public int blockSize() {
        return blockSize;
    }

    /**
     * Transfer {@code transfer} (a write or a discard the secondary journals under that id) changed
     * {@code length} bytes at {@code offset}.
     */
    public synchronized void written(int transfer, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad range " + offset + "+" + length);
        }
        if (length == 0) {
            return;
        }
        long end = offset + length;
        long id = transfer & 0xffffffffL;
        for (long b = offset >>> shift, last = (end - 1) >>> shift; b <= last; b++) {
            long start = b << shift;
            boolean whole = offset <= start && start + blockSize <= end;
            blocks.put(b, whole ? id : PARTIAL);
        }
        hostBytes += length;
    }

    /** Bytes the hosts wrote since the last cut: what {@code cp.max-bytes} is checked against. */
    public synchronized long hostBytes() {
        return hostBytes;
    }

    /** Blocks changed since the last cut. */
    public synchronized int size() {
        return blocks.size();
    }

    /** Hands over what changed since the last cut, and starts the next point empty. */
    public Manifest cut() {
        LongTable taken;
        long bytes;
        synchronized (this) {
            taken = blocks;
            bytes = hostBytes;
            // Sized for as many blocks as this interval had: the next one is likely alike.
            blocks = new LongTable(Math.max(INITIAL_BLOCKS, taken.size()));
            hostBytes = 0;
        }
        long[] numbers = taken.keys();
        Arrays.sort(numbers);
        List<BlockReference> refs = new ArrayList<>();
        long[] whole = new long[numbers.length];
        int wholeCount = 0;
        long runFirst = -1;
        int runCount = 0;
        long runId = PARTIAL;
        for (long b : numbers) {
            long id = taken.get(b);
            if (id == PARTIAL) {
                whole[wholeCount++] = b;
                continue;
            }
            if (runCount > 0 && id == runId && b == runFirst + runCount) {
                runCount++;
                continue;
            }
            if (runCount > 0) {
                refs.add(new BlockReference(runFirst, runCount, (int) runId));
            }
            runFirst = b;
            runCount = 1;
            runId = id;
        }
        if (runCount > 0) {
            refs.add(new BlockReference(runFirst, runCount, (int) runId));
        }
        return new Manifest(blockSize, refs, Arrays.copyOf(whole, wholeCount), bytes);
    }
}
