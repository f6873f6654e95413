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
        // writeHeader() validates (e.g. data longer than the length field): it runs before
        // anything is added to out, because Netty writes whatever is in out even when encode throws.
        if (msg instanceof DataCarrier) {
            ByteBuf head = ctx.alloc().ioBuffer(FrameHeader.LENGTH);
            try {
                msg.writeHeader(head);
            } catch (RuntimeException e) {
                head.release(); // never reaches out: ours to release
                throw e;
            }
            out.add(head);
            // Ownership: the encoder releases msg (and with it the data) after encode; the
            // retain keeps the data alive until the socket has written it.
            out.add(((DataCarrier) msg).data().retain());
        } else {
            int body = msg.bodyLength();
            int length = FrameHeader.LENGTH + body;
            ByteBuf frame = ctx.alloc().ioBuffer(length);
            try {
                msg.writeHeader(frame);
                msg.writeBody(frame);
                if (frame.readableBytes() != length) {
                    throw new IllegalStateException(msg.opcode() + " body is " + (frame.readableBytes()
                            - FrameHeader.LENGTH) + " bytes but its header says " + body);
                }
            } catch (RuntimeException e) {
                frame.release(); // never reaches out: ours to release
                throw e;
            }
            out.add(frame);
        }
    }
}
