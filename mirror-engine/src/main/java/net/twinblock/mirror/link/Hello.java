package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/** The primary opens the link: its identity and a fresh nonce the secondary must prove it knows the secret over. */
public record Hello(int version, PeerIdentity identity, byte[] nonce) implements PeerMessage {

    public Hello {
        HelloBody.checkVersion(version);
        HelloBody.checkLength("nonce", nonce, HelloBody.NONCE_LENGTH);
    }

    @Override
    public Opcode opcode() {
        return Opcode.HELLO;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(Opcode.HELLO.code(), 0, HelloBody.length(identity, false), 0, 0);
    }

    @Override
    public void writeBody(ByteBuf out) {
        HelloBody.write(out, version, identity, nonce, null);
    }
}
