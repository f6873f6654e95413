package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/**
 * One chunk of a host write the secondary forwards to the primary (the secondary never writes
 * host data on its own). {@code more}: chunks of the same {@code id} follow, each continuing
 * where the previous ended. Owns {@code data}.
 */
public record ForwardedWrite(int id, long offset, boolean fua, boolean more, ByteBuf data)
        implements PeerMessage, DataCarrier {

    public ForwardedWrite {
        if (offset < 0) {
            throw new IllegalArgumentException("negative volume offset " + offset);
        }
    }

    @Override
    public FrameType opcode() {
        return FrameType.FORWARDED_WRITE;
    }

    @Override
    public FrameHeader header() {
        int flags = (fua ? FrameHeader.FLAG_FUA : 0) | (more ? FrameHeader.FLAG_MORE : 0);
        return new FrameHeader(FrameType.FORWARDED_WRITE.code(), flags, data.readableBytes(), id, offset);
    }
}
