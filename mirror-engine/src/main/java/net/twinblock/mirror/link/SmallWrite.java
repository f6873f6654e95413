package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/** A write of at most the small-write threshold: one frame, all metadata in the header. Owns {@code data}. */
public record SmallWrite(int sequence, long offset, boolean fua, ByteBuf data) implements PeerMessage, DataCarrier {

    public SmallWrite {
        if (offset < 0) {
            throw new IllegalArgumentException("negative volume offset " + offset);
        }
    }

    @Override
    public FrameType opcode() {
        return FrameType.WRITE;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.WRITE.code(), fua ? FrameHeader.FLAG_FUA : 0, data.readableBytes(),
                sequence, offset);
    }
}
