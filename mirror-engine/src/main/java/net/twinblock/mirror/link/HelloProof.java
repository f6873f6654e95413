package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/** The primary's HMAC over the secondary's nonce: only after it may the secondary accept mirror traffic. */
public record HelloProof(byte[] proof) implements PeerMessage {

    public HelloProof {
        HelloBody.checkLength("proof", proof, HelloBody.PROOF_LENGTH);
    }

    @Override
    public Opcode opcode() {
        return Opcode.HELLO_PROOF;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(Opcode.HELLO_PROOF.code(), 0, HelloBody.PROOF_LENGTH, 0, 0);
    }

    @Override
    public void writeBody(ByteBuf out) {
        out.writeBytes(proof);
    }
}
