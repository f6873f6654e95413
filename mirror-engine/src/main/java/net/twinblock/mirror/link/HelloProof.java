package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/**
 * The primary's HMAC over the secondary's nonce: only after it may the secondary accept mirror
 * traffic. {@code discard}, optional (null, or 32 bytes after the proof): the primary carries an
 * administrator's order that the secondary discard its data to end a split brain, as
 * {@link PeerAuth#statementProof} over the secondary's name and both sides' generations; a node
 * that sends none, or knows no such order, sends the 32-byte frame of protocol version 1.
 */
public record HelloProof(byte[] proof, byte[] discard) implements PeerMessage {

    public HelloProof {
        HelloBody.checkLength("proof", proof, HelloBody.PROOF_LENGTH);
        if (discard != null) {
            HelloBody.checkLength("discard order", discard, HelloBody.PROOF_LENGTH);
        }
    }

    public HelloProof(byte[] proof) {
        this(proof, null);
    }

    @Override
    public FrameType opcode() {
        return FrameType.HELLO_PROOF;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.HELLO_PROOF.code(), 0, HelloBody.PROOF_LENGTH * (discard == null ? 1 : 2), 0, 0);
    }

    @Override
    public void writeBody(ByteBuf out) {
        out.writeBytes(proof);
        if (discard != null) {
            out.writeBytes(discard);
        }
    }
}
