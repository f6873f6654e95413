package net.twinblock.mirror.witness;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import net.twinblock.mirror.link.FrameHeader;

/**
 * Writes {@link WitnessMessage}s through their type's codec, each sealed once the channel's
 * handshake is done ({@link FrameSeal#SENDING}). Stateless: one instance serves every channel.
 */
@Sharable
public final class WitnessFrameEncoder extends MessageToByteEncoder<WitnessMessage> {

    public WitnessFrameEncoder() {
        super(WitnessMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, WitnessMessage msg, ByteBuf out) {
        // MessageToByteEncoder releases out if this throws: nothing half-written reaches the socket.
        WitnessCodec<WitnessMessage> codec = msg.type().codec();
        FrameHeader header = codec.header(msg);
        header.write(out);
        int start = out.writerIndex();
        codec.writeBody(msg, out);
        if (out.writerIndex() - start != header.payloadLength()) {
            throw new IllegalStateException(msg.type() + " body is " + (out.writerIndex() - start)
                    + " bytes but its header says " + header.payloadLength());
        }
        FrameSeal seal = ctx.channel().attr(FrameSeal.SENDING).get();
        if (seal != null) {
            int frame = start - FrameHeader.LENGTH;
            out.writeBytes(seal.seal(out, frame, out.writerIndex() - frame));
        }
    }
}
