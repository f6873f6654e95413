package net.twinblock.mirror.store;

/**
 * A run of a volume's bytes that is either backed by disk blocks ({@code allocated}) or a hole
 * that reads as zeros, as the file system reports them (SEEK_DATA/SEEK_HOLE).
 *
 * @param offset    first byte of the run
 * @param length    bytes in the run, more than zero
 * @param allocated true for data, false for a hole
 */
public record Allocation(long offset, long length, boolean allocated) {

    public Allocation {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("allocation run " + offset + "+" + length);
        }
    }

    public long end() {
        return offset + length;
    }
}
