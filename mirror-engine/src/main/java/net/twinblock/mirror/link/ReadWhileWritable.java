package net.twinblock.mirror.link;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;

/**
 * Backpressure for the receiving end of a link: while what it sends back (acks, forwarded
 * writes, read requests) piles up past the high {@link #WATER_MARK} because the peer does not
 * read it, it stops reading the peer's frames, and reads again below the low mark. Only one end
 * may do this: if both did, each could wait for the other to read first.
 */
@ChannelHandler.Sharable
public final class ReadWhileWritable extends ChannelInboundHandlerAdapter {

    /**
     * Far above one large write's frames (256 KiB each), so a busy link does not stop and start
     * reading all the time; Netty's default (32/64 KiB) would.
     */
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(2 << 20, 8 << 20);

    public static final ReadWhileWritable INSTANCE = new ReadWhileWritable();

    private ReadWhileWritable() {
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }
}
