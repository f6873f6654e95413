package net.twinblock.mirror.resync;

/** {@code count} blocks from block {@code first}: what differs between the nodes, or needs copying. */
public record BlockRange(long first, long count) {

    public BlockRange {
        if (first < 0 || count <= 0) {
            throw new IllegalArgumentException("bad block range " + first + "+" + count);
        }
    }

    public long end() {
        return first + count;
    }

    public long offset(int blockSize) {
        return first * blockSize;
    }

    public long length(int blockSize) {
        return count * blockSize;
    }
}
