package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/**
 * An embedder's message about the connection's volume, either way (DESIGN section 3): the
 * engine carries it and never reads it. The peer answers with {@link PeerReply} of the same id
 * once its embedder has acted on it (made it durable, enforces it). A byte array: such messages
 * are small (a reservation state, a forwarded COMPARE AND WRITE) and are parsed whole.
 */
public record PeerCall(int id, byte[] body) implements PeerMessage {

    public PeerCall {
        if (body.length == 0 || body.length > FrameHeader.MAX_PAYLOAD) {
            throw new IllegalArgumentException("a peer call of " + body.length + " bytes does not fit one frame");
        }
    }

    @Override
    public FrameType opcode() {
        return FrameType.PEER_CALL;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.PEER_CALL.code(), 0, body.length, id, 0);
    }

    @Override
    public void writeBody(ByteBuf out) {
        out.writeBytes(body);
    }
}
