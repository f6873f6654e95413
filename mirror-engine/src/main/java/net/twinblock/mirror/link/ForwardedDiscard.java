package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/** A host UNMAP that reached the secondary, forwarded to the primary. Answered by FORWARDED_ACK. */
public record ForwardedDiscard(int id, long offset, long length) implements PeerMessage {

    public ForwardedDiscard {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad discard: offset " + offset + ", length " + length);
        }
    }

    @Override
    public FrameType opcode() {
        return FrameType.FORWARDED_DISCARD;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.FORWARDED_DISCARD.code(), 0, 8, id, offset);
    }

    @Override
    public void writeBody(ByteBuf out) {
        out.writeLong(length);
    }
}
