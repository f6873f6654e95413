package net.twinblock.mirror.resync;

/**
 * A run of {@code count} blocks from block {@code first} that differs between the nodes (a
 * checksum comparison's answer) and so needs copying. Not the frontend's LBA range of a command.
 */
public record DifferingBlocks(long first, long count) {

    public DifferingBlocks {
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
