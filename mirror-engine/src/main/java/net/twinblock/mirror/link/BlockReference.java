package net.twinblock.mirror.link;

/**
 * In a consistency point's manifest: volume blocks {@code first} .. {@code first + count - 1} (of the
 * manifest's block size) hold exactly what transfer {@code transfer} wrote there, and the secondary
 * already has it in its journal. The transfer's entry gives its volume offset, so the block's place
 * in the transfer's data is {@code block x blockSize - offset}; naming volume blocks rather than
 * blocks within the transfer keeps a reference valid for a write that does not start on a block.
 */
public record BlockReference(long first, int count, int transfer) {

    /** Bytes one reference takes in the manifest: u64 first block, u32 count, u32 transfer id. */
    public static final int BYTES = 16;

    public BlockReference {
        if (first < 0 || count < 1) {
            throw new IllegalArgumentException("bad block reference: " + count + " blocks from " + first);
        }
    }
}
