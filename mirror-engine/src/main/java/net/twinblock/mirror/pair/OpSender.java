package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import net.twinblock.mirror.link.DataCarrier;
import net.twinblock.mirror.link.Discard;
import net.twinblock.mirror.link.Flush;
import net.twinblock.mirror.link.FrameHeader;
import net.twinblock.mirror.link.LinkOutbox;
import net.twinblock.mirror.link.PeerMessage;
import net.twinblock.mirror.link.WriteFramer;
import net.twinblock.mirror.pair.TransferLog.Op;

/**
 * Turns the {@link Replicator}'s ops and consistency points into frames on a link's outbox,
 * telling the {@link PointCutter} what each point must name and counting the link's bytes.
 *
 * <p>Apart from the replicator so that class decides when to send and this one what goes on
 * the wire. No state of its own beyond the counter: {@link #frames} and {@link #point} are
 * called holding the replicator's lock (a point must go out behind every op it names);
 * {@link #send} under it or, for frames built under it, after it.
 */
final class OpSender {

    private final WriteFramer framer;
    /** Consistency points ({@code cp.enabled}), or null. */
    private final PointCutter points;
    private final LongAdder linkBytes;

    OpSender(WriteFramer framer, PointCutter points, LongAdder linkBytes) {
        this.framer = framer;
        this.points = points;
        this.linkBytes = linkBytes;
    }

    /** Frames for {@code op} on {@code ch}, or null if it was sent there already. Holds the lock. */
    List<PeerMessage> frames(Op op, Channel ch) {
        if (op.sentOn == ch) {
            return null;
        }
        op.sentOn = ch;
        if (points != null && op.changesData()) {
            points.sent(op.sequence, op.offset, op.length);
        }
        switch (op.kind) {
            case WRITE:
                // Each send gets its own reference (a retained duplicate) which the frames own and the
                // encoder releases; the op's reference stays for a re-send until the ack.
                return framer.frames(op.sequence, op.offset, op.data.retainedDuplicate(), op.fua);
            case DISCARD:
                return List.of(new Discard(op.sequence, op.offset, op.length));
            default:
                return List.of(new Flush(op.sequence));
        }
    }

    void send(LinkOutbox to, List<PeerMessage> frames) {
        count(frames);
        to.write(frames);
    }

    /**
     * Cuts a point and queues it behind every frame queued so far (the transfers it names were
     * queued under the replicator's lock). Holds the lock; only with points enabled.
     */
    void point(LinkOutbox to) {
        List<PeerMessage> cut = points.cut();
        if (!cut.isEmpty()) {
            count(cut);
            to.writeBehindQueued(cut);
        }
    }

    private void count(List<PeerMessage> frames) {
        for (PeerMessage f : frames) {
            // A write's data frame is counted by its buffer: no header built twice on the hot path.
            linkBytes.add(FrameHeader.LENGTH
                    + (f instanceof DataCarrier d ? d.data().readableBytes() : f.header().payloadLength()));
        }
    }
}
