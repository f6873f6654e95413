package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/** One chunk of a large write, at {@code transferOffset} within the transfer. Owns {@code data}. */
public record WriteData(int transferId, int transferOffset, ByteBuf data) implements PeerMessage, DataCarrier {

    public WriteData {
        if (transferOffset < 0) {
            throw new IllegalArgumentException("negative offset in transfer " + transferOffset);
        }
    }

    @Override
    public FrameType opcode() {
        return FrameType.WRITE_DATA;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.WRITE_DATA.code(), 0, data.readableBytes(), transferId, transferOffset);
    }

    @Override
    public void writeHeader(ByteBuf out) {
        FrameHeader.write(out, FrameType.WRITE_DATA.code(), 0, data.readableBytes(), transferId, transferOffset);
    }
}
