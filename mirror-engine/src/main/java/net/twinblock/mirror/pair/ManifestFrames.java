package net.twinblock.mirror.pair;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import net.twinblock.mirror.link.BlockReference;
import net.twinblock.mirror.link.PointManifest;
import net.twinblock.mirror.store.ConsistencyPoint;

/**
 * Joins the POINT_MANIFEST frames of one consistency point (MORE on all but the last) into the
 * {@link ConsistencyPoint} the secondary's journal applies. One per link, on its event loop.
 */
final class ManifestFrames {

    private int point;
    private int blockSize;
    private long[] references = new long[0];
    private int referenceCount;
    private long[] whole = new long[0];
    private int wholeCount;
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private boolean started;

    /**
     * Takes a frame; the whole point once its last frame arrived, else null.
     *
     * @throws IllegalArgumentException if the frame does not continue the point under way
     */
    ConsistencyPoint add(PointManifest f) {
        if (started && (f.point() != point || f.blockSize() != blockSize)) {
            throw new IllegalArgumentException("manifest frame of point " + f.point() + " (blocks of " + f.blockSize()
                    + ") inside point " + point + " (blocks of " + blockSize + ")");
        }
        started = true;
        point = f.point();
        blockSize = f.blockSize();
        references = grow(references, 3 * (referenceCount + f.references().size()));
        for (BlockReference r : f.references()) {
            references[3 * referenceCount] = r.first();
            references[3 * referenceCount + 1] = r.count();
            references[3 * referenceCount + 2] = r.transfer();
            referenceCount++;
        }
        whole = grow(whole, wholeCount + f.wholeBlocks().length);
        System.arraycopy(f.wholeBlocks(), 0, whole, wholeCount, f.wholeBlocks().length);
        wholeCount += f.wholeBlocks().length;
        data.writeBytes(f.data());
        if (f.more()) {
            return null;
        }
        ConsistencyPoint done = new ConsistencyPoint(point, blockSize, Arrays.copyOf(references, 3 * referenceCount),
                Arrays.copyOf(whole, wholeCount), data.toByteArray());
        started = false;
        referenceCount = 0;
        wholeCount = 0;
        data.reset();
        return done;
    }

    private static long[] grow(long[] a, int needed) {
        return needed <= a.length ? a : Arrays.copyOf(a, Math.max(needed, 2 * a.length));
    }
}
