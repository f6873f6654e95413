package net.twinblock.mirror.pair;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import net.twinblock.mirror.link.AckStatus;
import net.twinblock.mirror.link.ForwardedDiscard;
import net.twinblock.mirror.link.ForwardedFlush;
import net.twinblock.mirror.link.ForwardedWrite;
import net.twinblock.mirror.link.PeerFrameDecoder;
import net.twinblock.mirror.link.PeerMessage;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.Volume;
import net.twinblock.mirror.store.VolumeException;
import net.twinblock.mirror.record.ReadGate;

/**
 * The volume a secondary exports. It never writes host data itself: writes, discards and
 * flushes go to the primary (FORWARDED_*), which runs them through its mirrored volume, and so
 * back to this node's disk through the mirror, and they complete when the primary answers that
 * both nodes have them. Without a primary they fail as retryable, so the host retries or its
 * multipath layer moves to the primary. Reads are local, behind the {@link ReadGate}.
 */
public final class SecondaryVolume implements Volume {

    private final FileVolume local;
    private final Supplier<Channel> primary;
    private final java.util.function.BooleanSupplier inSync;
    private final ReadGate gate;
    private final LongAdder forwarded = new LongAdder();
    private final Map<Integer, CompletableFuture<Void>> pending = new HashMap<>();
    private int nextId;

    /** @param inSync true while linked to the primary with an identical copy (not while being rebuilt) */
    SecondaryVolume(FileVolume local, Supplier<Channel> primary, java.util.function.BooleanSupplier inSync,
            ReadGate gate) {
        this.local = local;
        this.primary = primary;
        this.inSync = inSync;
        this.gate = gate;
    }

    @Override
    public long size() {
        return local.size();
    }

    @Override
    public int blockSize() {
        return local.blockSize();
    }

    /**
     * Local, but only while this copy is known current: without its primary (which may be
     * writing DEGRADED) or while a full copy rebuilds it, this copy may be older than what a host
     * already read from the primary, so the read fails as retryable and multipath goes there.
     */
    @Override
    public CompletableFuture<ByteBuf> read(long offset, int length, ByteBufAllocator alloc) {
        // The gate is here, in read itself, so no caller can read a possibly stale copy by
        // forgetting it; the server's BlockStorage adapter therefore does not gate a second time.
        // The local read waits for the journal to apply what this node acknowledged (FileVolume#read).
        return admit(offset, length).thenCompose(v -> local.read(offset, length, alloc));
    }

    /** The one read gate: this copy must be in sync, and the record's gate must admit the range. */
    private CompletableFuture<Void> admit(long offset, long length) {
        if (!inSync.getAsBoolean()) {
            return CompletableFuture.failedFuture(new VolumeException("this secondary is not in sync with its"
                    + " primary (link down or full copy running); read from the primary", true));
        }
        return gate.admit(offset, length);
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua) {
        if (data.readableBytes() == 0) {
            data.release();
            return CompletableFuture.completedFuture(null);
        }
        return forward(id -> {
            List<PeerMessage> frames = new ArrayList<>();
            int length = data.readableBytes();
            int chunk = PeerFrameDecoder.DEFAULT_MAX_PAYLOAD;
            for (int done = 0; done < length; done += chunk) {
                int n = Math.min(chunk, length - done);
                boolean last = done + n == length;
                // Each chunk holds its own reference (a retained slice), released by the encoder.
                frames.add(new ForwardedWrite(id, offset + done, fua && last, !last,
                        data.retainedSlice(data.readerIndex() + done, n)));
            }
            return frames;
        }, data);
    }

    @Override
    public CompletableFuture<Void> discard(long offset, long length) {
        return forward(id -> List.of(new ForwardedDiscard(id, offset, length)), null);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return forward(id -> List.of(new ForwardedFlush(id)), null);
    }

    @Override
    public void close() {
        // The node owns the local volume and the link.
    }

    long forwarded() {
        return forwarded.sum();
    }

    private interface Framing {
        List<PeerMessage> frames(int id);
    }

    /** Sends an operation to the primary; {@code owned} (the caller's data) is released here in every case. */
    private CompletableFuture<Void> forward(Framing framing, ByteBuf owned) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Channel ch;
        List<PeerMessage> frames;
        try {
            synchronized (this) {
                ch = primary.get();
                if (ch == null || !ch.isActive()) {
                    return CompletableFuture.failedFuture(new VolumeException(
                            "this node is the secondary and has no link to its primary; retry on the primary", true));
                }
                int id = nextId++;
                frames = framing.frames(id);
                pending.put(id, done);
            }
        } finally {
            if (owned != null) {
                owned.release(); // the frames hold their own references
            }
        }
        forwarded.increment();
        Runnable write = () -> {
            for (PeerMessage f : frames) {
                ch.write(f); // the encoder, or the failed write of a closed channel, releases it
            }
            ch.flush();
        };
        EventLoop loop = ch.eventLoop();
        if (loop.inEventLoop()) {
            write.run();
        } else {
            try {
                loop.execute(write);
            } catch (RejectedExecutionException e) {
                frames.forEach(ReferenceCountUtil::release);
            }
        }
        return done;
    }

    /** The primary's FORWARDED_ACK. */
    void acked(int id, AckStatus status) {
        CompletableFuture<Void> f;
        synchronized (this) {
            f = pending.remove(id);
        }
        if (f == null) {
            return;
        }
        if (status == AckStatus.OK) {
            f.complete(null);
        } else {
            f.completeExceptionally(new VolumeException("the primary could not complete the forwarded operation: "
                    + status, status == AckStatus.NOT_READY));
        }
    }

    /** The link to the primary is gone: nothing forwarded can be answered any more. */
    void linkDown() {
        List<CompletableFuture<Void>> failed;
        synchronized (this) {
            failed = new ArrayList<>(pending.values());
            pending.clear();
        }
        VolumeException e = new VolumeException("the link to the primary was lost before it answered; the"
                + " operation may or may not have been done: retry it", true);
        failed.forEach(f -> f.completeExceptionally(e));
    }
}
