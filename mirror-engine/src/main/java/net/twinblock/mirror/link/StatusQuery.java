package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/**
 * Secondary to primary (DESIGN section 4): a host read at the secondary touches a recorded extent;
 * answer STATUS_REPLY {@code id} once every write to the range that was in flight when this
 * arrived is on both nodes. Argument = byte offset, payload = u64 length.
 */
public record StatusQuery(int id, long offset, long length) implements PeerMessage {

    public StatusQuery {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad status query: offset " + offset + ", length " + length);
        }
    }

    @Override
    public FrameType opcode() {
        return FrameType.STATUS_QUERY;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.STATUS_QUERY.code(), 0, 8, id, offset);
    }

    @Override
    public void writeBody(ByteBuf out) {
        out.writeLong(length);
    }
}
