package net.twinblock.mirror.store;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * What the {@link Journal} queues: an append of a write or a discard, a flush (which appends
 * nothing and makes the journal durable) or a consistency point (applied in its turn).
 */
final class JournalOp {

    enum Kind { WRITE, DISCARD, FLUSH, POINT }

    final Kind kind;
    final int transfer;
    final long offset;
    final long length;
    final boolean durable;
    /** The write's data, the journal's until it is applied (or, held for a point, appended). */
    ByteBuf data;
    /**
     * The data's NIO buffers as the append wrote them, each marked at its start: the apply resets
     * and writes them again instead of asking the ByteBuf for new ones (two views per write, not four).
     */
    ByteBuffer[] buffers;
    /** A POINT's manifest. */
    ConsistencyPoint point;
    /** The entry number the append gave it. */
    long number = -1;
    /** Where the append put a write's data: its segment and the data's first byte there (held entries read it back). */
    JournalFiles.Segment segment;
    long dataAt = -1;
    /** How the op ended, for a caller that asked with a future; null when it gave a {@link Journal.Listener}. */
    final CompletableFuture<Void> done;
    private final Journal.Listener listener;
    private boolean settled;

    JournalOp(Kind kind, int transfer, long offset, long length, boolean durable, ByteBuf data) {
        this(kind, transfer, offset, length, durable, data, null);
    }

    JournalOp(Kind kind, int transfer, long offset, long length, boolean durable, ByteBuf data,
            Journal.Listener listener) {
        this.kind = kind;
        this.transfer = transfer;
        this.offset = offset;
        this.length = length;
        this.durable = durable;
        this.data = data;
        this.listener = listener;
        this.done = listener == null ? new CompletableFuture<>() : null;
    }

    /** The op is appended (a point: applied and recorded). Once: later calls do nothing. */
    void succeed() {
        settle(null);
    }

    /**
     * The op failed, or, if it already succeeded (an appended write whose apply then fails), nothing:
     * its caller was told once.
     */
    void fail(Throwable failure) {
        settle(failure);
    }

    private void settle(Throwable failure) {
        if (settled) {
            return;
        }
        settled = true; // one thread settles an op: the journal's, or the point thread's for a point
        if (listener == null) {
            if (failure == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(failure);
            }
            return;
        }
        tell(listener, failure);
    }

    /**
     * Tells {@code listener}; a listener's bug must not stop the journal thread that told it (a
     * future's would be swallowed too).
     */
    static void tell(Journal.Listener listener, Throwable failure) {
        try {
            listener.settled(failure);
        } catch (RuntimeException e) {
            Journal.LOG.log(System.Logger.Level.ERROR, "a journal listener failed: " + e, e);
        }
    }

    long bytes() {
        return journaled() ? JournalEntry.HEADER + (kind == Kind.WRITE ? length : 0) : 0;
    }

    /** A write or a discard: an entry in the segments, unlike a flush or a point. */
    boolean journaled() {
        return kind == Kind.WRITE || kind == Kind.DISCARD;
    }

    /** Lets the data go, once. */
    void release() {
        if (data != null) {
            data.release();
            data = null;
            buffers = null;
        }
    }
}
