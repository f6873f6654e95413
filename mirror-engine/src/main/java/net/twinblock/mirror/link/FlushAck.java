package net.twinblock.mirror.link;

public record FlushAck(int sequence, AckStatus status) implements PeerMessage {

    @Override
    public FrameType opcode() {
        return FrameType.FLUSH_ACK;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.FLUSH_ACK.code(), 0, 0, sequence, status.code());
    }
}
