package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * Turns the peer byte stream into {@link PeerMessage}s. A resumable two-state machine: wait for
 * the 16-byte header, check it, then wait for its payload. Bulk data leaves as retained slices
 * of the received bytes, never copied.
 *
 * <p>Every check happens on the header, before any payload is buffered: an unknown opcode, a
 * flag the opcode does not take or a payload longer than allowed closes the link at once, so a
 * confused or hostile peer cannot make us buffer a megabyte of garbage first. After that the
 * decoder drops everything still arriving.
 */
public final class PeerFrameDecoder extends ByteToMessageDecoder {

    /** Enough for a 32 KiB small write or a 256 KiB chunk of a large one. */
    public static final int DEFAULT_MAX_PAYLOAD = 256 * 1024;

    private enum State {
        HEADER, PAYLOAD, BROKEN
    }

    private final int maxPayload;
    private State state = State.HEADER;
    private FrameHeader header;
    private FrameType opcode;

    public PeerFrameDecoder() {
        this(DEFAULT_MAX_PAYLOAD);
    }

    /** @param maxPayload the largest bulk payload (small write or data chunk) accepted, at most 1 MiB - 1 */
    public PeerFrameDecoder(int maxPayload) {
        if (maxPayload < 1 || maxPayload > FrameHeader.MAX_PAYLOAD) {
            throw new IllegalArgumentException("max payload must be 1.." + FrameHeader.MAX_PAYLOAD + ", not "
                    + maxPayload);
        }
        this.maxPayload = maxPayload;
        // Payloads leave as retained slices that live until the volume write completes, so the
        // merging cumulator would find its buffer shared at the next read and copy it (and the
        // new bytes) into a fresh one: every received byte once more. A composite only links
        // the socket reads; a payload spanning two reads becomes a two-part buffer instead.
        setCumulator(COMPOSITE_CUMULATOR);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            if (state == State.BROKEN) {
                in.skipBytes(in.readableBytes());
                return;
            }
            if (state == State.HEADER) {
                if (in.readableBytes() < FrameHeader.LENGTH) {
                    return;
                }
                header = FrameHeader.read(in);
                opcode = check(header);
                state = State.PAYLOAD; // and go on: the payload may already be here
            }
            if (in.readableBytes() < header.payloadLength()) {
                return;
            }
            out.add(message(header, opcode, in));
            header = null;
            opcode = null;
            state = State.HEADER;
        } catch (PeerFrameException e) {
            state = State.BROKEN;
            in.skipBytes(in.readableBytes());
            ctx.close();
            throw e;
        }
    }

    private FrameType check(FrameHeader h) {
        FrameType op = FrameType.of(h.opcode());
        if (op == null) {
            throw bad(h, "unknown opcode 0x" + Integer.toHexString(h.opcode()));
        }
        if ((h.flags() & ~op.allowedFlags()) != 0) {
            throw bad(h, op + " does not take flags 0x" + Integer.toHexString(h.flags()));
        }
        int max = Math.min(op.maxPayload(), maxPayload);
        if (h.payloadLength() < op.minPayload() || h.payloadLength() > max) {
            throw bad(h, op + " payload of " + h.payloadLength() + " bytes is outside " + op.minPayload()
                    + ".." + max);
        }
        return op;
    }

    /** Builds the message; consumes exactly the payload. */
    private static PeerMessage message(FrameHeader h, FrameType op, ByteBuf in) {
        int length = h.payloadLength();
        switch (op) {
            case WRITE:
                if (h.argument() < 0) {
                    throw bad(h, "negative volume offset");
                }
                // Ownership: the retained slice is the message's; whoever consumes it releases it.
                return new SmallWrite(h.sequence(), h.argument(), h.fua(), in.readRetainedSlice(length));
            case WRITE_BEGIN:
                requireArgument(h, 0);
                return new WriteBegin(h.sequence());
            case WRITE_DATA:
                if (h.argument() < 0 || h.argument() > Integer.MAX_VALUE) {
                    throw bad(h, "offset in transfer " + h.argument() + " out of range");
                }
                return new WriteData(h.sequence(), (int) h.argument(), in.readRetainedSlice(length));
            case WRITE_END:
                if (h.argument() < 0) {
                    throw bad(h, "negative volume offset");
                }
                int total = in.readInt();
                if (total <= 0) {
                    throw bad(h, "large write of " + total + " bytes");
                }
                return new WriteEnd(h.sequence(), h.argument(), total, h.fua());
            case WRITE_ACK:
                return new WriteAck(h.sequence(), status(h));
            case DISCARD:
            case FORWARDED_DISCARD: {
                long rangeLength = in.readLong();
                if (h.argument() < 0 || rangeLength < 0) {
                    throw bad(h, "discard of " + rangeLength + " bytes at " + h.argument());
                }
                return op == FrameType.DISCARD ? new Discard(h.sequence(), h.argument(), rangeLength)
                        : new ForwardedDiscard(h.sequence(), h.argument(), rangeLength);
            }
            case SYNC_STATE:
                if (h.argument() != SyncState.SYNCING && h.argument() != SyncState.IN_SYNC) {
                    throw bad(h, "unknown sync state " + h.argument());
                }
                return new SyncState(h.argument() == SyncState.IN_SYNC, h.sequence());
            case FORWARDED_WRITE:
                if (h.argument() < 0) {
                    throw bad(h, "negative volume offset");
                }
                // Ownership: the retained slice is the message's; whoever consumes it releases it.
                return new ForwardedWrite(h.sequence(), h.argument(), h.fua(), h.more(),
                        in.readRetainedSlice(length));
            case FORWARDED_FLUSH:
                requireArgument(h, 0);
                return new ForwardedFlush(h.sequence());
            case FORWARDED_ACK:
                return new ForwardedAck(h.sequence(), status(h));
            case RECORD_UPDATE:
            case RECORD_REPORT: {
                requireArgument(h, 0);
                byte[] snapshot = new byte[length];
                in.readBytes(snapshot);
                return new RecordUpdate(op == FrameType.RECORD_REPORT, h.sequence(), snapshot);
            }
            case RECORD_ACK:
                return new RecordAck(h.sequence(), status(h));
            case STATUS_QUERY: {
                long rangeLength = in.readLong();
                if (h.argument() < 0 || rangeLength < 0) {
                    throw bad(h, "status query of " + rangeLength + " bytes at " + h.argument());
                }
                return new StatusQuery(h.sequence(), h.argument(), rangeLength);
            }
            case HASH_BATCH:
                return body(h, in, () -> HashBatchFrame.read(h.sequence(), h.argument(), in, length));
            case BLOCK_REQUEST: {
                AckStatus status = status(h);
                return body(h, in, () -> BlockRequest.read(h.sequence(), status, in, length));
            }
            case PEER_CALL: {
                requireArgument(h, 0);
                byte[] body = new byte[length];
                in.readBytes(body);
                return new PeerCall(h.sequence(), body);
            }
            case PEER_REPLY: {
                AckStatus status = status(h);
                byte[] body = new byte[length];
                in.readBytes(body);
                return new PeerReply(h.sequence(), status, body);
            }
            case POINT_MANIFEST:
                requireArgument(h, 0);
                return body(h, in, () -> PointManifest.read(h.sequence(), h.more(), in, length));
            case POINT_ACK:
                return new PointAck(h.sequence(), status(h));
            case STATUS_REPLY:
                requireArgument(h, 0);
                return new StatusReply(h.sequence());
            case FLUSH:
                requireArgument(h, 0);
                return new Flush(h.sequence());
            case FLUSH_ACK:
                return new FlushAck(h.sequence(), status(h));
            case HEARTBEAT:
                return new Heartbeat(h.sequence(), h.argument());
            case ERROR:
                PeerErrorCode code = PeerErrorCode.of(h.argument());
                if (code == null) {
                    throw bad(h, "unknown error code " + h.argument());
                }
                return new PeerError(code, in.readCharSequence(length, StandardCharsets.UTF_8).toString());
            case HELLO:
                requireArgument(h, 0);
                return body(h, in, () -> HelloBody.readHello(in, length));
            case HELLO_ACK:
                requireArgument(h, 0);
                return body(h, in, () -> HelloBody.readAck(in)); // fixed length, checked with the header
            case HELLO_PROOF:
                requireArgument(h, 0);
                return body(h, in, () -> new HelloProof(HelloBody.bytes(in, HelloBody.PROOF_LENGTH),
                        HelloBody.readIdentity(in, length - HelloBody.PROOF_LENGTH)));
            case HELLO_IDENTITY:
                requireArgument(h, 0);
                return body(h, in, () -> HelloBody.readIdentity(in, length));
            case HELLO_DONE:
                requireArgument(h, 0);
                if (length != 0 && length != HelloBody.PROOF_LENGTH) {
                    throw bad(h, "a discard order is 32 bytes");
                }
                return new HelloDone(length == 0 ? null : HelloBody.bytes(in, HelloBody.PROOF_LENGTH));
            default:
                throw bad(h, "no decoder for " + op);
        }
    }

    /**
     * Reads a structured payload with {@code read}; a payload that does not add up is skipped whole
     * (the stream stays framed for the error's log) and refused as malformed.
     */
    private static PeerMessage body(FrameHeader h, ByteBuf in, Supplier<PeerMessage> read) {
        int start = in.readerIndex();
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            in.readerIndex(start + h.payloadLength());
            throw bad(h, e.getMessage());
        }
    }

    private static AckStatus status(FrameHeader h) {
        AckStatus s = AckStatus.of(h.argument());
        if (s == null) {
            throw bad(h, "unknown status " + h.argument());
        }
        return s;
    }

    private static void requireArgument(FrameHeader h, long expected) {
        if (h.argument() != expected) {
            throw bad(h, "reserved argument is " + h.argument());
        }
    }

    private static PeerFrameException bad(FrameHeader h, String why) {
        return new PeerFrameException("malformed peer frame " + h + ": " + why);
    }
}
