package net.twinblock.mirror.link;

import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;

/**
 * The link's one chunk aggregator, on both ends (as Netty's codec aggregators are a pipeline
 * stage): turns a WRITE frame, or a WRITE_BEGIN / WRITE_DATA ... / WRITE_END sequence, into one
 * {@link MirroredWrite} on the secondary and counts the frames it took in a {@link WakeupCounter};
 * joins the FORWARDED_WRITE chunks of a host write the secondary forwarded (FLAG_MORE on all but
 * the last) into one {@link ForwardedWrite} on the primary. Every other message passes through
 * untouched.
 *
 * <p>The partner's framing is trusted in nothing: a chunk for an unknown transfer, a gap or
 * overlap inside a transfer, a total that does not match, too many open transfers or too many
 * bytes in one are protocol errors. This node answers with an ERROR frame and closes the link;
 * the primary then resynchronises instead of mirroring into a copy we could not vouch for.
 * Sits right after the scan stage behind {@link PeerFrameDecoder}; runs on the event loop and
 * never blocks.
 */
public final class WriteAssembler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = System.getLogger(WriteAssembler.class.getName());

    public static final int DEFAULT_MAX_TRANSFER_BYTES = 64 * 1024 * 1024;
    public static final int DEFAULT_MAX_OPEN_TRANSFERS = 1024;

    private final WakeupCounter wakeups;
    private final int maxTransferBytes;
    private final int maxOpenTransfers;
    private final Map<Integer, Transfer> open = new HashMap<>();
    /** Forwarded host writes still receiving chunks, by id. */
    private final Map<Integer, Forwarding> forwarding = new HashMap<>();
    private boolean failed;

    public WriteAssembler(WakeupCounter wakeups) {
        this(wakeups, DEFAULT_MAX_TRANSFER_BYTES, DEFAULT_MAX_OPEN_TRANSFERS);
    }

    public WriteAssembler(WakeupCounter wakeups, int maxTransferBytes, int maxOpenTransfers) {
        if (maxTransferBytes < 1 || maxOpenTransfers < 1) {
            throw new IllegalArgumentException("transfer limits must be positive: " + maxTransferBytes
                    + " bytes, " + maxOpenTransfers + " transfers");
        }
        this.wakeups = wakeups;
        this.maxTransferBytes = maxTransferBytes;
        this.maxOpenTransfers = maxOpenTransfers;
    }

    /** A large write being received: its chunks so far, in order, still the received buffers. */
    private static final class Transfer {
        final CompositeByteBuf data;
        int frames = 1; // its WRITE_BEGIN

        Transfer(CompositeByteBuf data) {
            this.data = data;
        }
    }

    /** A forwarded host write being received: where it starts, and its chunks so far. */
    private static final class Forwarding {
        final long offset;
        final CompositeByteBuf data;

        Forwarding(long offset, CompositeByteBuf data) {
            this.offset = offset;
            this.data = data;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failed) {
            io.netty.util.ReferenceCountUtil.release(msg); // the link is closing; nothing more is applied
            return;
        }
        if (msg instanceof SmallWrite) {
            wakeups.recordWrite(false, 1);
            ctx.fireChannelRead(msg); // already whole: ownership passes downstream as it is
        } else if (msg instanceof WriteBegin) {
            begin(ctx, (WriteBegin) msg);
        } else if (msg instanceof WriteData) {
            chunk(ctx, (WriteData) msg);
        } else if (msg instanceof WriteEnd) {
            end(ctx, (WriteEnd) msg);
        } else if (msg instanceof ForwardedWrite w) {
            forwarded(ctx, w);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void begin(ChannelHandlerContext ctx, WriteBegin b) {
        if (open.containsKey(b.transferId())) {
            fail(ctx, "WRITE_BEGIN for transfer " + b.transferId() + " which is already open");
        } else if (open.size() >= maxOpenTransfers) {
            fail(ctx, "more than " + maxOpenTransfers + " large writes open at once");
        } else {
            open.put(b.transferId(), new Transfer(ctx.alloc().compositeBuffer(Integer.MAX_VALUE)));
        }
    }

    private void chunk(ChannelHandlerContext ctx, WriteData d) {
        Transfer t = open.get(d.transferId());
        int received = t == null ? 0 : t.data.readableBytes();
        String problem = null;
        if (t == null) {
            problem = "WRITE_DATA for transfer " + d.transferId() + " which was never begun";
        } else if (d.transferOffset() != received) {
            problem = "WRITE_DATA at " + d.transferOffset() + " in transfer " + d.transferId()
                    + " which has " + received + " bytes so far";
        } else if (d.data().readableBytes() > maxTransferBytes - received) {
            problem = "transfer " + d.transferId() + " grows beyond " + maxTransferBytes + " bytes";
        }
        if (problem != null) {
            d.release(); // refused: the chunk is ours and goes nowhere
            fail(ctx, problem);
            return;
        }
        // Ownership of the chunk moves into the transfer's composite (released with it).
        t.data.addComponent(true, d.data());
        t.frames++;
    }

    private void end(ChannelHandlerContext ctx, WriteEnd e) {
        Transfer t = open.remove(e.transferId());
        if (t == null) {
            fail(ctx, "WRITE_END for transfer " + e.transferId() + " which was never begun");
            return;
        }
        if (t.data.readableBytes() != e.totalLength()) {
            int got = t.data.readableBytes();
            t.data.release();
            fail(ctx, "transfer " + e.transferId() + " ended with " + got + " bytes but announced "
                    + e.totalLength());
            return;
        }
        int frames = t.frames + 1;
        wakeups.recordWrite(true, frames);
        // Ownership of the assembled data moves downstream with the MirroredWrite.
        ctx.fireChannelRead(new AssembledWrite(e.transferId(), e.offset(), e.fua(), t.data, frames));
    }

    private void forwarded(ChannelHandlerContext ctx, ForwardedWrite w) {
        Forwarding f = forwarding.get(w.id());
        if (f == null && !w.more()) {
            ctx.fireChannelRead(w); // a write in one chunk: whole already, ownership moves on with it
            return;
        }
        if (f == null && forwarding.size() >= maxOpenTransfers) {
            w.release(); // refused: the chunk is ours and goes nowhere
            fail(ctx, "more than " + maxOpenTransfers + " forwarded writes open at once");
            return;
        }
        if (f == null) {
            f = new Forwarding(w.offset(), ctx.alloc().compositeBuffer(Integer.MAX_VALUE));
            forwarding.put(w.id(), f);
        }
        int received = f.data.readableBytes();
        if (w.offset() != f.offset + received || w.data().readableBytes() > maxTransferBytes - received) {
            w.release(); // refused: the chunk is ours and goes nowhere
            fail(ctx, "forwarded write " + w.id() + " chunk at " + w.offset() + " does not continue at "
                    + (f.offset + received) + " or grows beyond " + maxTransferBytes + " bytes");
            return;
        }
        // Ownership of the chunk moves into the write's composite (released with it).
        f.data.addComponent(true, w.data());
        if (w.more()) {
            return;
        }
        forwarding.remove(w.id());
        // Ownership of the joined data moves downstream with the whole write.
        ctx.fireChannelRead(new ForwardedWrite(w.id(), f.offset, w.fua(), false, f.data));
    }

    private void fail(ChannelHandlerContext ctx, String why) {
        failed = true;
        releaseOpen();
        LOG.log(Level.WARNING, "closing the mirror link from {0}: {1}", ctx.channel().remoteAddress(), why);
        ctx.writeAndFlush(new PeerError(PeerErrorCode.PROTOCOL_ERROR, why))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** Number of large writes begun and not yet ended. */
    public int openTransfers() {
        return open.size();
    }

    private void releaseOpen() {
        for (Transfer t : open.values()) {
            t.data.release();
        }
        open.clear();
        for (Forwarding f : forwarding.values()) {
            f.data.release();
        }
        forwarding.clear();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseOpen(); // half-received writes of a dead link are never applied
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseOpen();
    }
}
