package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/** A write of at most the small-write threshold: one frame, all metadata in the header. Owns {@code data}. */
public record SmallWrite(int sequence, long offset, boolean fua, ByteBuf data) implements PeerMessage, MirroredWrite {

    public SmallWrite {
        if (offset < 0) {
            throw new IllegalArgumentException("negative volume offset " + offset);
        }
    }

    @Override
    public int frames() {
        return 1;
    }

    @Override
    public FrameType opcode() {
        return FrameType.WRITE;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.WRITE.code(), flags(), data.readableBytes(), sequence, offset);
    }

    @Override
    public void writeHeader(ByteBuf out) {
        FrameHeader.write(out, FrameType.WRITE.code(), flags(), data.readableBytes(), sequence, offset);
    }

    private int flags() {
        return fua ? FrameHeader.FLAG_FUA : 0;
    }
}
