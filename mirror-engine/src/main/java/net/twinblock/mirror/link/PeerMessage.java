package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/**
 * A decoded peer frame. Each message knows its header and how to write a small body; the bulk
 * data of writes is not written by the message but passed on as its own buffer (no copy), see
 * {@link DataCarrier}.
 */
public sealed interface PeerMessage permits SmallWrite, WriteBegin, WriteData, WriteEnd, WriteAck,
        Flush, FlushAck, Heartbeat, PeerError, Hello, HelloAck, HelloProof, HelloIdentity, HelloDone, SyncState, Discard,
        ForwardedWrite, ForwardedDiscard, ForwardedFlush, ForwardedAck, RecordUpdate, RecordAck, StatusQuery,
        StatusReply, HashBatchFrame, BlockRequest, PeerCall, PeerReply, PointManifest, PointAck {

    FrameType opcode();

    /** The header that starts this message's frame; throws IllegalArgumentException if it cannot be framed. */
    FrameHeader header();

    /**
     * Writes {@link #header()}; the messages of every mirrored write override it to write the
     * fields without a header object. Throws IllegalArgumentException as {@code header()} does.
     */
    default void writeHeader(ByteBuf out) {
        header().write(out);
    }

    /** The length {@link #writeBody} writes: the header's payload length. */
    default int bodyLength() {
        return header().payloadLength();
    }

    /** Writes the body for messages whose payload is not bulk data. */
    default void writeBody(ByteBuf out) {
    }
}
