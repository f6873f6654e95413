package net.twinblock.iscsi.session;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import java.lang.System.Logger.Level;
import net.twinblock.iscsi.pdu.Pdu;

/**
 * The outbound side of one iSCSI connection: numbers every PDU it sends (StatSN per
 * connection, ExpCmdSN/MaxCmdSN from the session's window, RFC 7143 §4.2.2.2) and batches
 * flushes so a burst of responses costs one syscall.
 *
 * <p>Touched only on the channel's event loop.
 */
final class Connection {

    private static final System.Logger LOG = System.getLogger(Connection.class.getName());

    private final Channel channel;
    private final CommandWindow window;
    private int statSn;
    private int nextTtt = 1;
    private boolean flushScheduled;
    private boolean dirty;
    /** The initiator's MaxRecvDataSegmentLength: the most data we may put in one PDU. */
    private int maxXmitDataSegmentLength;

    Connection(Channel channel, CommandWindow window, int firstStatSn, int maxXmitDataSegmentLength) {
        this.channel = channel;
        this.window = window;
        this.statSn = firstStatSn;
        this.maxXmitDataSegmentLength = maxXmitDataSegmentLength;
    }

    int maxXmitDataSegmentLength() {
        return maxXmitDataSegmentLength;
    }

    /** The initiator declared a new MaxRecvDataSegmentLength in a Text Request (RFC 7143 §13.12). */
    void maxXmitDataSegmentLength(int length) {
        this.maxXmitDataSegmentLength = length;
    }

    Channel channel() {
        return channel;
    }

    EventLoop loop() {
        return channel.eventLoop();
    }

    ByteBufAllocator alloc() {
        return channel.alloc();
    }

    /** The StatSN the next status-bearing PDU will carry. */
    int statSn() {
        return statSn;
    }

    /** A fresh Target Transfer Tag; never the reserved 0xffffffff. */
    int nextTtt() {
        int ttt = nextTtt++;
        if (nextTtt == Pdu.RESERVED_TAG) {
            nextTtt = 1;
        }
        return ttt;
    }

    /**
     * Numbers and writes {@code pdu} (ownership passes to the channel, which releases it once
     * written or on failure). A status-bearing PDU takes the next StatSN; the others (R2T,
     * Data-In without status, our NOP-In pings) carry the current one without using it up.
     * The flush comes at the end of the current batch.
     */
    void send(Pdu pdu, boolean statusBearing) {
        pdu.u32(24, statusBearing ? statSn++ : statSn);
        pdu.u32(28, window.expCmdSn());
        pdu.u32(32, window.maxCmdSn());
        channel.write(pdu, channel.voidPromise());
        dirty = true;
        if (!flushScheduled) {
            flushScheduled = true;
            // Runs after every task already queued on the loop (other completions of this
            // batch), so they all share one flush.
            channel.eventLoop().execute(this::flushNow);
        }
    }

    /** Flushes what the current read batch produced (called from channelReadComplete). */
    void flushNow() {
        flushScheduled = false;
        if (dirty) {
            dirty = false;
            channel.flush();
        }
    }

    /** Flushes everything written so far, then closes the connection. */
    void closeAfterFlush(String why) {
        dirty = false;
        channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                .addListener(ChannelFutureListener.CLOSE);
        LOG.log(Level.DEBUG, "closing connection {0}: {1}", channel.remoteAddress(), why);
    }
}
