package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/** The answer to {@link PeerCall} {@code id}: OK with the callee's reply bytes, or why it failed (empty body). */
public record PeerReply(int id, AckStatus status, byte[] body) implements PeerMessage {

    public PeerReply {
        if (body.length > FrameHeader.MAX_PAYLOAD) {
            throw new IllegalArgumentException("a peer reply of " + body.length + " bytes does not fit one frame");
        }
    }

    @Override
    public FrameType opcode() {
        return FrameType.PEER_REPLY;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.PEER_REPLY.code(), 0, body.length, id, status.code());
    }

    @Override
    public void writeBody(ByteBuf out) {
        out.writeBytes(body);
    }
}
