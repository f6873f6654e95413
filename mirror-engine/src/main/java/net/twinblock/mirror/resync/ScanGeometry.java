package net.twinblock.mirror.resync;

/**
 * How a checksum scan cuts a volume into hashed regions of {@code blocksPerRegion} blocks (the
 * last one may be shorter). Both nodes must use the same geometry and algorithm, or their hashes
 * mean different things; the scan handshake compares them.
 */
public record ScanGeometry(long volumeSize, int blockSize, int blocksPerRegion) {

    public ScanGeometry {
        if (blockSize <= 0 || volumeSize <= 0 || volumeSize % blockSize != 0) {
            throw new IllegalArgumentException("volume size " + volumeSize + " is not a positive multiple of the"
                    + " block size " + blockSize);
        }
        if (blocksPerRegion < 1 || (long) blocksPerRegion * blockSize > 1 << 24) {
            throw new IllegalArgumentException("blocks per hash region must be 1 to " + (1 << 24) / blockSize
                    + ", not " + blocksPerRegion);
        }
    }

    public long totalBlocks() {
        return volumeSize / blockSize;
    }

    public int regionBytes() {
        return blocksPerRegion * blockSize;
    }

    public long regionCount() {
        return (totalBlocks() + blocksPerRegion - 1) / blocksPerRegion;
    }

    public long firstBlock(long region) {
        return region * blocksPerRegion;
    }

    /** Blocks in {@code region}: blocksPerRegion except perhaps the last. */
    public int blocksIn(long region) {
        return (int) Math.min(blocksPerRegion, totalBlocks() - firstBlock(region));
    }

    public long offset(long region) {
        return firstBlock(region) * blockSize;
    }

    /** Bytes of {@code count} regions from {@code first}. */
    public long bytes(long first, int count) {
        long endBlock = Math.min(totalBlocks(), firstBlock(first + count));
        return (endBlock - firstBlock(first)) * blockSize;
    }
}
