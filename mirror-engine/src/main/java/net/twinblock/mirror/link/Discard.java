package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/**
 * Mirrors an UNMAP: deallocate {@code length} bytes at {@code offset}. The length does not fit
 * the header beside the offset, so it is the 8-byte payload. Acknowledged by a WRITE_ACK.
 */
public record Discard(int sequence, long offset, long length) implements PeerMessage {

    public Discard {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad discard: offset " + offset + ", length " + length);
        }
    }

    @Override
    public FrameType opcode() {
        return FrameType.DISCARD;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.DISCARD.code(), 0, 8, sequence, offset);
    }

    @Override
    public void writeBody(ByteBuf out) {
        out.writeLong(length);
    }
}
