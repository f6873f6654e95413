package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/**
 * Primary to secondary, for a checksum resync or a scrub: the primary's hashes of {@code count}
 * consecutive regions from {@code firstRegion}, each {@code blocksPerRegion} blocks, hashed with
 * {@code algorithm} (its config name's code, see the pair package). The secondary hashes the same
 * regions and answers with a {@link BlockRequest} of the same {@code id} naming what differs.
 * Payload: u8 algorithm | u8 reserved | u16 reserved | u32 blocks per region | u32 count | hashes.
 */
public record HashBatchFrame(int id, long firstRegion, int algorithm, int blocksPerRegion, int count, byte[] hashes)
        implements PeerMessage {

    static final int FIXED = 12;

    public HashBatchFrame {
        if (firstRegion < 0 || algorithm < 0 || algorithm > 0xff || blocksPerRegion < 1 || count < 1
                || hashes.length == 0 || hashes.length % count != 0) {
            throw new IllegalArgumentException("bad hash batch: region " + firstRegion + ", algorithm " + algorithm
                    + ", " + blocksPerRegion + " blocks per region, " + count + " hashes in " + hashes.length + " bytes");
        }
    }

    @Override
    public FrameType opcode() {
        return FrameType.HASH_BATCH;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.HASH_BATCH.code(), 0, FIXED + hashes.length, id, firstRegion);
    }

    @Override
    public void writeBody(ByteBuf out) {
        out.writeByte(algorithm).writeByte(0).writeShort(0).writeInt(blocksPerRegion).writeInt(count).writeBytes(hashes);
    }

    /** Reads exactly {@code length} payload bytes. */
    static HashBatchFrame read(int id, long firstRegion, ByteBuf in, int length) {
        int algorithm = in.readUnsignedByte();
        in.skipBytes(3);
        int blocksPerRegion = in.readInt();
        int count = in.readInt();
        byte[] hashes = new byte[length - FIXED];
        in.readBytes(hashes);
        return new HashBatchFrame(id, firstRegion, algorithm, blocksPerRegion, count, hashes);
    }
}
