package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/**
 * The primary accepts the secondary's identity: mirroring may start. {@code discard}, optional
 * (null, or 32 bytes): an administrator's order that the secondary discard its data to end a
 * split brain, as {@link PeerAuth#statementProof} over the secondary's name and both sides'
 * generations.
 */
public record HelloDone(byte[] discard) implements PeerMessage {

    public HelloDone {
        if (discard != null) {
            HelloBody.checkLength("discard order", discard, HelloBody.PROOF_LENGTH);
        }
    }

    @Override
    public FrameType opcode() {
        return FrameType.HELLO_DONE;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.HELLO_DONE.code(), 0, discard == null ? 0 : HelloBody.PROOF_LENGTH, 0, 0);
    }

    @Override
    public void writeBody(ByteBuf out) {
        if (discard != null) {
            out.writeBytes(discard);
        }
    }
}
