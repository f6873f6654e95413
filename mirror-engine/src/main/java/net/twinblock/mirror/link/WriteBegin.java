package net.twinblock.mirror.link;

/** Announces a large write: reserves the transfer id, says nothing yet about where it goes. */
public record WriteBegin(int transferId) implements PeerMessage {

    @Override
    public FrameType opcode() {
        return FrameType.WRITE_BEGIN;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.WRITE_BEGIN.code(), 0, 0, transferId, 0);
    }
}
