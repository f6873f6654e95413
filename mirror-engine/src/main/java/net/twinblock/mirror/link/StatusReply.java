package net.twinblock.mirror.link;

/** Primary to secondary: nothing older than status query {@code id} is in flight on its range any more. */
public record StatusReply(int id) implements PeerMessage {

    @Override
    public FrameType opcode() {
        return FrameType.STATUS_REPLY;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.STATUS_REPLY.code(), 0, 0, id, 0);
    }
}
