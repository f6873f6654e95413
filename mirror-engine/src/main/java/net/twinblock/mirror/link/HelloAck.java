package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/**
 * The secondary answers the challenge: its version, {@code proof} = HMAC over the primary's nonce
 * and its own (see {@link PeerAuth}), and its own {@code nonce} for the primary to prove itself
 * over in turn. Nothing about the secondary: whoever connected has proven nothing yet.
 */
public record HelloAck(int version, byte[] nonce, byte[] proof) implements PeerMessage {

    public HelloAck {
        HelloBody.checkVersion(version);
        HelloBody.checkLength("nonce", nonce, HelloBody.NONCE_LENGTH);
        HelloBody.checkLength("proof", proof, HelloBody.PROOF_LENGTH);
    }

    @Override
    public FrameType opcode() {
        return FrameType.HELLO_ACK;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.HELLO_ACK.code(), 0, HelloBody.HELLO_ACK_LENGTH, 0, 0);
    }

    @Override
    public void writeBody(ByteBuf out) {
        out.writeShort(version);
        out.writeBytes(nonce);
        out.writeBytes(proof);
    }
}
