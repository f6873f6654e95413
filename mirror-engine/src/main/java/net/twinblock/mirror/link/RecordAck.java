package net.twinblock.mirror.link;

/** The secondary's copy of record update {@code sequence} is durable (OK) or could not be written. */
public record RecordAck(int sequence, AckStatus status) implements PeerMessage {

    @Override
    public FrameType opcode() {
        return FrameType.RECORD_ACK;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.RECORD_ACK.code(), 0, 0, sequence, status.code());
    }
}
