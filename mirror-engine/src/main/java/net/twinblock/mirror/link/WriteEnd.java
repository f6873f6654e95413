package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/** Completes a large write with the rest of its metadata: where it goes, how long, FUA. */
public record WriteEnd(int transferId, long offset, int totalLength, boolean fua) implements PeerMessage {

    public WriteEnd {
        if (offset < 0 || totalLength <= 0) {
            throw new IllegalArgumentException("bad large write: offset " + offset + ", length " + totalLength);
        }
    }

    @Override
    public FrameType opcode() {
        return FrameType.WRITE_END;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.WRITE_END.code(), fua ? FrameHeader.FLAG_FUA : 0, 4, transferId, offset);
    }

    @Override
    public void writeBody(ByteBuf out) {
        out.writeInt(totalLength);
    }
}
