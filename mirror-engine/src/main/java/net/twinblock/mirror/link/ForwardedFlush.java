package net.twinblock.mirror.link;

/** A host SYNCHRONIZE CACHE that reached the secondary: the primary flushes both nodes. */
public record ForwardedFlush(int id) implements PeerMessage {

    @Override
    public FrameType opcode() {
        return FrameType.FORWARDED_FLUSH;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.FORWARDED_FLUSH.code(), 0, 0, id, 0);
    }
}
