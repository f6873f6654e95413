package net.twinblock.mirror.link;

/** Asks the secondary to make every write it acknowledged durable (SYNCHRONIZE CACHE on the host). */
public record Flush(int sequence) implements PeerMessage {

    @Override
    public FrameType opcode() {
        return FrameType.FLUSH;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.FLUSH.code(), 0, 0, sequence, 0);
    }
}
