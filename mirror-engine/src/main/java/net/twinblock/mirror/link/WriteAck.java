package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/** The secondary's answer to one mirrored write (small or large), by sequence / transfer id. */
public record WriteAck(int sequence, AckStatus status) implements PeerMessage {

    @Override
    public FrameType opcode() {
        return FrameType.WRITE_ACK;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.WRITE_ACK.code(), 0, 0, sequence, status.code());
    }

    @Override
    public void writeHeader(ByteBuf out) {
        FrameHeader.write(out, FrameType.WRITE_ACK.code(), 0, 0, sequence, status.code());
    }

    @Override
    public int bodyLength() {
        return 0;
    }
}
