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
    final CompletableFuture<Void> done = new CompletableFuture<>();

    JournalOp(Kind kind, int transfer, long offset, long length, boolean durable, ByteBuf data) {
        this.kind = kind;
        this.transfer = transfer;
        this.offset = offset;
        this.length = length;
        this.durable = durable;
        this.data = data;
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
