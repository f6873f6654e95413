package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes {@link PeerMessage}s. Bulk data is not copied behind the header: the header goes out as
 * its own small buffer and the data buffer follows it, and a flush gathers both in one writev.
 * Stateless, so one instance may serve every channel.
 */
@Sharable
public final class PeerFrameEncoder extends MessageToMessageEncoder<PeerMessage> {

    public PeerFrameEncoder() {
        super(PeerMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, PeerMessage msg, List<Object> out) {
        // header() validates (e.g. data longer than the length field): do it before adding
        // anything to out, because Netty writes whatever is in out even when encode throws.
        FrameHeader header = msg.header();
        if (msg instanceof DataCarrier) {
            ByteBuf head = ctx.alloc().ioBuffer(FrameHeader.LENGTH);
            header.write(head);
            out.add(head);
            // Ownership: the encoder releases msg (and with it the data) after encode; the
            // retain keeps the data alive until the socket has written it.
            out.add(((DataCarrier) msg).data().retain());
        } else {
            int length = FrameHeader.LENGTH + header.payloadLength();
            ByteBuf frame = ctx.alloc().ioBuffer(length);
            try {
                header.write(frame);
                msg.writeBody(frame);
                if (frame.readableBytes() != length) {
                    throw new IllegalStateException(msg.opcode() + " body is " + (frame.readableBytes()
                            - FrameHeader.LENGTH) + " bytes but its header says " + header.payloadLength());
                }
            } catch (RuntimeException e) {
                frame.release(); // never reaches out: ours to release
                throw e;
            }
            out.add(frame);
        }
    }
}
