package net.twinblock.mirror.link;

public record FlushAck(int sequence, AckStatus status) implements PeerMessage {

    @Override
    public Opcode opcode() {
        return Opcode.FLUSH_ACK;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(Opcode.FLUSH_ACK.code(), 0, 0, sequence, status.code());
    }
}
