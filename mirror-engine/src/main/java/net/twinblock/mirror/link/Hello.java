package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/**
 * The primary opens the link: its identity and a fresh nonce the secondary must prove it knows the
 * secret over. {@code generations}: the sender's encoded data generation history (65 bytes), or
 * null from a node that does not send one; it decides which copy is newer and detects a split brain.
 */
public record Hello(int version, PeerIdentity identity, byte[] nonce, byte[] generations) implements PeerMessage {

    public Hello {
        HelloBody.checkVersion(version);
        HelloBody.checkLength("nonce", nonce, HelloBody.NONCE_LENGTH);
        HelloBody.checkGenerations(generations);
    }

    public Hello(int version, PeerIdentity identity, byte[] nonce) {
        this(version, identity, nonce, null);
    }

    @Override
    public FrameType opcode() {
        return FrameType.HELLO;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.HELLO.code(), 0, HelloBody.length(version, identity, false, generations), 0, 0);
    }

    @Override
    public void writeBody(ByteBuf out) {
        HelloBody.write(out, version, identity, nonce, null, generations);
    }
}
