package net.twinblock.mirror.store;

/**
 * A consistency point as the secondary's journal applies it (DESIGN section 6): {@code references}
 * in (first block, block count, transfer id) triples, each naming volume blocks that transfer wrote
 * whole and this journal holds; {@code wholeBlocks}, each with its data in {@code data}, block after
 * block, for blocks the primary sends whole. Blocks are of {@code blockSize} bytes.
 */
public record ConsistencyPoint(int number, int blockSize, long[] references, long[] wholeBlocks, byte[] data) {

    public ConsistencyPoint {
        if (blockSize < 512 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("a point's block size is a power of two of at least 512, not "
                    + blockSize);
        }
        if (references.length % 3 != 0 || (long) wholeBlocks.length * blockSize != data.length) {
            throw new IllegalArgumentException("a point's references come in triples and each whole block has "
                    + blockSize + " bytes of data");
        }
    }

    /** Blocks named by reference. */
    public long blocksByReference() {
        long n = 0;
        for (int i = 1; i < references.length; i += 3) {
            n += references[i];
        }
        return n;
    }

    /** Why the point does not fit a volume of {@code volumeSize} bytes, or null if it does. */
    String outside(long volumeSize) {
        long blocks = volumeSize / blockSize;
        for (int i = 0; i < references.length; i += 3) {
            if (references[i] < 0 || references[i + 1] < 1 || references[i] > blocks - references[i + 1]) {
                return "point " + number + " names blocks " + references[i] + "+" + references[i + 1]
                        + " of a volume of " + blocks;
            }
        }
        for (long b : wholeBlocks) {
            if (b < 0 || b >= blocks) {
                return "point " + number + " carries block " + b + " of a volume of " + blocks;
            }
        }
        return null;
    }
}
