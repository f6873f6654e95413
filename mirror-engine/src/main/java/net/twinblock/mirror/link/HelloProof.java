package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * The primary's HMAC over the secondary's nonce, and, now that the secondary has proven the key,
 * who the primary is ({@code sender}: its identity, with the volume, the LUN, this connection
 * mirrors, and its data generation history, which decide which copy is newer and detect a split
 * brain).
 */
public record HelloProof(byte[] proof, HelloIdentity sender) implements PeerMessage {

    public HelloProof {
        HelloBody.checkLength("proof", proof, HelloBody.PROOF_LENGTH);
        Objects.requireNonNull(sender, "sender");
    }

    public HelloProof(byte[] proof, PeerIdentity identity, byte[] generations) {
        this(proof, new HelloIdentity(identity, generations));
    }

    public PeerIdentity identity() {
        return sender.identity();
    }

    /** The primary's encoded generation history (65 bytes), or null if it sends none. */
    public byte[] generations() {
        return sender.generations();
    }

    @Override
    public FrameType opcode() {
        return FrameType.HELLO_PROOF;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.HELLO_PROOF.code(), 0,
                HelloBody.PROOF_LENGTH + sender.header().payloadLength(), 0, 0);
    }

    @Override
    public void writeBody(ByteBuf out) {
        out.writeBytes(proof);
        sender.writeBody(out);
    }
}
