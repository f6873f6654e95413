package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/**
 * The secondary answers: its identity, {@code proof} = HMAC over the primary's nonce (see
 * {@link PeerAuth}), its own nonce for the primary to prove itself over in turn, and its encoded
 * data generation history ({@code generations}, 65 bytes, or null if it sends none).
 */
public record HelloAck(int version, PeerIdentity identity, byte[] nonce, byte[] proof, byte[] generations)
        implements PeerMessage {

    public HelloAck {
        HelloBody.checkVersion(version);
        HelloBody.checkLength("nonce", nonce, HelloBody.NONCE_LENGTH);
        HelloBody.checkLength("proof", proof, HelloBody.PROOF_LENGTH);
        HelloBody.checkGenerations(generations);
    }

    public HelloAck(int version, PeerIdentity identity, byte[] nonce, byte[] proof) {
        this(version, identity, nonce, proof, null);
    }

    @Override
    public FrameType opcode() {
        return FrameType.HELLO_ACK;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.HELLO_ACK.code(), 0, HelloBody.length(version, identity, true, generations), 0, 0);
    }

    @Override
    public void writeBody(ByteBuf out) {
        HelloBody.write(out, version, identity, nonce, proof, generations);
    }
}
