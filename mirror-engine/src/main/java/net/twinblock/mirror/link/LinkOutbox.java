package net.twinblock.mirror.link;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.VoidChannelPromise;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.PlatformDependent;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes peer frames from any thread and flushes the link once per batch instead of once per
 * frame. Mirrored writes and their acknowledgements arrive in bursts (a host at queue depth 32,
 * the volume's I/O threads finishing many writes at once); a flush per frame is a {@code writev}
 * and, from a foreign thread, an event-loop wake-up each, which cost the pair as much system
 * time as all its host traffic.
 *
 * <p>On the link's event loop a frame is written at once and only the flush waits for the end of
 * the current loop turn. From another thread frames queue here and one task per batch writes
 * them all in order and flushes: the loop is woken once for the batch, not once per frame.
 * The frames of one {@link #write(List)} stay adjacent on the wire (a large write's
 * begin/data/end), and one thread's frames keep their order. Frames of different threads have
 * no order between them (a frame written on the loop may pass frames queued just before by
 * another thread), as with plain {@code Channel.write} from several threads: overlapping mirrored
 * writes get their order from the range lock, which holds the later one until the earlier is
 * acknowledged.
 *
 * <p>One outbox per channel ({@link #of}), shared by every handler that answers on the link, so
 * their frames share the batch too.
 */
public final class LinkOutbox {

    private static final AttributeKey<LinkOutbox> KEY = AttributeKey.valueOf(LinkOutbox.class, "outbox");

    private final Channel channel;
    private final EventLoop loop;
    /**
     * Frames (a PeerMessage or a List of them) written from other threads, not yet on the channel.
     * Netty's multi-producer single-consumer array queue, as its event loops use for tasks: a
     * linked queue took a node per acknowledgement. One consumer: {@link #drain}, or once the loop
     * refused it, the one thread that set {@link #scheduled} (nobody resets it then).
     */
    private final Queue<Object> queue = PlatformDependent.newMpscQueue();
    /** True while a {@link #drain} task is scheduled and has not yet taken the last queued frame. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    /**
     * The promise of every write: nobody waits on one (a frame that cannot be written dies with its
     * link, which its handlers see close), and a promise per frame was an allocation per
     * acknowledgement. Failures are not fired down the pipeline either: a link that closes with
     * frames queued would log each as its own failure.
     */
    private final ChannelPromise unwatched;

    private LinkOutbox(Channel channel) {
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.unwatched = new VoidChannelPromise(channel, false);
    }

    /** The outbox of {@code channel}, created on first use. */
    public static LinkOutbox of(Channel channel) {
        LinkOutbox mine = channel.attr(KEY).get();
        if (mine != null) {
            return mine;
        }
        LinkOutbox fresh = new LinkOutbox(channel);
        LinkOutbox raced = channel.attr(KEY).setIfAbsent(fresh);
        return raced == null ? fresh : raced;
    }

    public Channel channel() {
        return channel;
    }

    /** Sends one frame. Takes ownership: the encoder, or a failed write, releases it. */
    public void write(PeerMessage frame) {
        if (loop.inEventLoop()) {
            channel.write(frame, unwatched); // ownership passes to the pipeline
            flushSoon();
        } else {
            enqueue(frame);
        }
    }

    /** Sends frames back to back, nothing of this outbox between them. Takes ownership of each. */
    public void write(List<? extends PeerMessage> frames) {
        if (loop.inEventLoop()) {
            for (PeerMessage f : frames) {
                channel.write(f, unwatched); // ownership passes to the pipeline
            }
            flushSoon();
        } else {
            enqueue(frames);
        }
    }

    /**
     * Sends frames behind everything queued so far, also on the event loop (where {@link #write}
     * goes straight to the channel, ahead of frames other threads queued): a consistency point
     * must follow every transfer it names.
     */
    public void writeBehindQueued(List<? extends PeerMessage> frames) {
        enqueue(frames);
    }

    private void enqueue(Object frames) {
        queue.add(frames);
        flushSoon();
    }

    /** Makes sure one drain runs after this: the loop flushes what was written by then. */
    private void flushSoon() {
        if (!scheduled.compareAndSet(false, true)) {
            return; // a drain is coming and will see what we queued or wrote
        }
        try {
            loop.execute(drain);
        } catch (RejectedExecutionException e) {
            // The loop is shut down: nothing will ever write what is queued, so it is ours to release.
            Object f;
            while ((f = queue.poll()) != null) {
                release(f);
            }
        }
    }

    /** Event loop: writes everything queued, then flushes once. */
    private void drain() {
        for (;;) {
            Object f;
            while ((f = queue.poll()) != null) {
                writeQueued(f);
            }
            scheduled.set(false);
            // A frame queued after our last poll but before the reset saw "scheduled" and relied on
            // us; take it now unless a new drain has already been scheduled for it.
            if (queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
                break;
            }
        }
        channel.flush();
    }

    private void writeQueued(Object f) {
        if (f instanceof List<?> frames) {
            for (Object m : frames) {
                channel.write(m, unwatched); // ownership passes to the pipeline
            }
        } else {
            channel.write(f, unwatched); // ownership passes to the pipeline
        }
    }

    private static void release(Object f) {
        if (f instanceof List<?> frames) {
            frames.forEach(ReferenceCountUtil::release);
        } else {
            ReferenceCountUtil.release(f);
        }
    }
}
