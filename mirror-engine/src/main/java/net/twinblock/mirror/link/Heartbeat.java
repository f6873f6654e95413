package net.twinblock.mirror.link;

/** Liveness in both directions; {@code sentNanos} (sender's System.nanoTime) lets the peer echo it for a round-trip time. */
public record Heartbeat(int sequence, long sentNanos) implements PeerMessage {

    @Override
    public FrameType opcode() {
        return FrameType.HEARTBEAT;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.HEARTBEAT.code(), 0, 0, sequence, sentNanos);
    }
}
