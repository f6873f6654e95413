package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/**
 * The secondary answers: its identity, {@code proof} = HMAC over the primary's nonce (see
 * {@link PeerAuth}), and its own nonce for the primary to prove itself over in turn.
 */
public record HelloAck(int version, PeerIdentity identity, byte[] nonce, byte[] proof) implements PeerMessage {

    public HelloAck {
        HelloBody.checkVersion(version);
        HelloBody.checkLength("nonce", nonce, HelloBody.NONCE_LENGTH);
        HelloBody.checkLength("proof", proof, HelloBody.PROOF_LENGTH);
    }

    @Override
    public Opcode opcode() {
        return Opcode.HELLO_ACK;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(Opcode.HELLO_ACK.code(), 0, HelloBody.length(identity, true), 0, 0);
    }

    @Override
    public void writeBody(ByteBuf out) {
        HelloBody.write(out, version, identity, nonce, proof);
    }
}
