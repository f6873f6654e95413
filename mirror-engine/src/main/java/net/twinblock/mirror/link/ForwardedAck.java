package net.twinblock.mirror.link;

/** The primary's answer to a forwarded operation: done on both nodes (OK) or why not. */
public record ForwardedAck(int id, AckStatus status) implements PeerMessage {

    @Override
    public FrameType opcode() {
        return FrameType.FORWARDED_ACK;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.FORWARDED_ACK.code(), 0, 0, id, status.code());
    }
}
