package net.twinblock.mirror.link;

/**
 * Secondary to primary: consistency point {@code point} is applied to its volume and recorded
 * durably (OK), or could not be (argument = {@link AckStatus}).
 */
public record PointAck(int point, AckStatus status) implements PeerMessage {

    @Override
    public FrameType opcode() {
        return FrameType.POINT_ACK;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.POINT_ACK.code(), 0, 0, point, status.code());
    }
}
