package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Primary to secondary: one frame of consistency point {@code point}'s manifest (DESIGN section 6).
 * For every block changed since the last point, either a {@link BlockReference} (the block was wholly
 * written by a transfer the secondary journaled) or the block itself, whole, for a block only
 * partly written. A point larger than a frame spans several: MORE on all but the last; the
 * secondary answers {@link PointAck} once the last one is applied and durable.
 *
 * <p>Payload: u32 block size | u32 references | u32 whole blocks | u32 reserved |
 * references x (u64 first block, u32 count, u32 transfer id) | whole blocks x u64 block number |
 * their data, block after block. The header's argument is 0.
 */
public record PointManifest(int point, boolean more, int blockSize, List<BlockReference> references,
        long[] wholeBlocks, byte[] data) implements PeerMessage {

    static final int FIXED = 16;
    public static final int MIN_BLOCK_SIZE = 512;
    public static final int MAX_BLOCK_SIZE = 64 * 1024;

    public PointManifest {
        if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("a manifest's block size is a power of two in " + MIN_BLOCK_SIZE
                    + ".." + MAX_BLOCK_SIZE + ", not " + blockSize);
        }
        if ((long) wholeBlocks.length * blockSize != data.length) {
            throw new IllegalArgumentException(wholeBlocks.length + " whole blocks of " + blockSize + " bytes in "
                    + data.length + " bytes of data");
        }
        for (long b : wholeBlocks) {
            if (b < 0) {
                throw new IllegalArgumentException("negative block number " + b);
            }
        }
        references = List.copyOf(references);
    }

    /** The payload of a frame with this many references and whole blocks: what a sender splits a point by. */
    public static long payloadLength(int references, int wholeBlocks, int blockSize) {
        return FIXED + (long) references * BlockReference.BYTES + (long) wholeBlocks * (8L + blockSize);
    }

    @Override
    public FrameType opcode() {
        return FrameType.POINT_MANIFEST;
    }

    @Override
    public FrameHeader header() {
        long length = payloadLength(references.size(), wholeBlocks.length, blockSize);
        if (length > FrameHeader.MAX_PAYLOAD) {
            throw new IllegalArgumentException("a manifest frame of " + length + " bytes does not fit one frame");
        }
        return new FrameHeader(FrameType.POINT_MANIFEST.code(), more ? FrameHeader.FLAG_MORE : 0, (int) length, point,
                0);
    }

    @Override
    public void writeBody(ByteBuf out) {
        out.writeInt(blockSize).writeInt(references.size()).writeInt(wholeBlocks.length).writeInt(0);
        for (BlockReference r : references) {
            out.writeLong(r.first()).writeInt(r.count()).writeInt(r.transfer());
        }
        for (long b : wholeBlocks) {
            out.writeLong(b);
        }
        out.writeBytes(data);
    }

    /** Reads exactly {@code length} payload bytes; IllegalArgumentException if they do not add up. */
    static PointManifest read(int point, boolean more, ByteBuf in, int length) {
        int blockSize = in.readInt();
        long refs = in.readUnsignedInt();
        long whole = in.readUnsignedInt();
        in.skipBytes(4);
        if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE
                || payloadLength((int) Math.min(refs, Integer.MAX_VALUE), (int) Math.min(whole, Integer.MAX_VALUE),
                        blockSize) != length) {
            throw new IllegalArgumentException(refs + " references and " + whole + " whole blocks of " + blockSize
                    + " bytes are not a payload of " + length);
        }
        List<BlockReference> references = new ArrayList<>((int) refs);
        for (int i = 0; i < refs; i++) {
            references.add(new BlockReference(in.readLong(), in.readInt(), in.readInt()));
        }
        long[] blocks = new long[(int) whole];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = in.readLong();
        }
        byte[] data = new byte[blocks.length * blockSize];
        in.readBytes(data);
        return new PointManifest(point, more, blockSize, references, blocks, data);
    }
}
