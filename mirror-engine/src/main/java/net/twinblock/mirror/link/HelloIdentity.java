package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/**
 * The secondary names itself, once the primary's proof checked out: its {@code identity} for the
 * volume the primary named, and its encoded data generation history ({@code generations}, 65
 * bytes, or null if it sends none).
 */
public record HelloIdentity(PeerIdentity identity, byte[] generations) implements PeerMessage {

    public HelloIdentity {
        java.util.Objects.requireNonNull(identity, "identity");
        HelloBody.checkGenerations(generations);
    }

    @Override
    public FrameType opcode() {
        return FrameType.HELLO_IDENTITY;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.HELLO_IDENTITY.code(), 0, HelloBody.identityLength(identity, generations), 0, 0);
    }

    @Override
    public void writeBody(ByteBuf out) {
        HelloBody.writeIdentity(out, identity, generations);
    }
}
