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
    /**
     * The header being decoded, as fields: a {@link FrameHeader} per frame was an object per
     * mirrored write. One is built only to name a malformed frame.
     */
    private int flags;
    private int length;
    private int sequence;
    private long argument;
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
                int word0 = in.readInt();
                flags = FrameHeader.flags(word0);
                length = FrameHeader.payloadLength(word0);
                sequence = in.readInt();
                argument = in.readLong();
                opcode = check(FrameHeader.opcode(word0));
                state = State.PAYLOAD; // and go on: the payload may already be here
            }
            if (in.readableBytes() < length) {
                return;
            }
            out.add(message(in));
            opcode = null;
            state = State.HEADER;
        } catch (PeerFrameException e) {
            state = State.BROKEN;
            in.skipBytes(in.readableBytes());
            ctx.close();
            throw e;
        }
    }

    private FrameType check(int code) {
        FrameType op = FrameType.of(code);
        if (op == null) {
            throw bad(new FrameHeader(code, flags, length, sequence, argument),
                    "unknown opcode 0x" + Integer.toHexString(code));
        }
        opcode = op; // for bad(): the header it names
        if ((flags & ~op.allowedFlags()) != 0) {
            throw bad(op + " does not take flags 0x" + Integer.toHexString(flags));
        }
        int max = Math.min(op.maxPayload(), maxPayload);
        if (length < op.minPayload() || length > max) {
            throw bad(op + " payload of " + length + " bytes is outside " + op.minPayload() + ".." + max);
        }
        return op;
    }

    /** Builds the message of the header just read; consumes exactly the payload. */
    private PeerMessage message(ByteBuf in) {
        FrameType op = opcode;
        switch (op) {
            case WRITE:
                if (argument < 0) {
                    throw bad("negative volume offset");
                }
                // Ownership: the retained slice is the message's; whoever consumes it releases it.
                return new SmallWrite(sequence, argument, FrameHeader.fua(flags), in.readRetainedSlice(length));
            case WRITE_BEGIN:
                requireArgument(0);
                return new WriteBegin(sequence);
            case WRITE_DATA:
                if (argument < 0 || argument > Integer.MAX_VALUE) {
                    throw bad("offset in transfer " + argument + " out of range");
                }
                return new WriteData(sequence, (int) argument, in.readRetainedSlice(length));
            case WRITE_END:
                if (argument < 0) {
                    throw bad("negative volume offset");
                }
                int total = in.readInt();
                if (total <= 0) {
                    throw bad("large write of " + total + " bytes");
                }
                return new WriteEnd(sequence, argument, total, FrameHeader.fua(flags));
            case WRITE_ACK:
                return new WriteAck(sequence, status());
            case DISCARD:
            case FORWARDED_DISCARD: {
                long rangeLength = in.readLong();
                if (argument < 0 || rangeLength < 0) {
                    throw bad("discard of " + rangeLength + " bytes at " + argument);
                }
                return op == FrameType.DISCARD ? new Discard(sequence, argument, rangeLength)
                        : new ForwardedDiscard(sequence, argument, rangeLength);
            }
            case SYNC_STATE:
                if (argument != SyncState.SYNCING && argument != SyncState.IN_SYNC) {
                    throw bad("unknown sync state " + argument);
                }
                return new SyncState(argument == SyncState.IN_SYNC, sequence);
            case FORWARDED_WRITE:
                if (argument < 0) {
                    throw bad("negative volume offset");
                }
                // Ownership: the retained slice is the message's; whoever consumes it releases it.
                return new ForwardedWrite(sequence, argument, FrameHeader.fua(flags), FrameHeader.more(flags),
                        in.readRetainedSlice(length));
            case FORWARDED_FLUSH:
                requireArgument(0);
                return new ForwardedFlush(sequence);
            case FORWARDED_ACK:
                return new ForwardedAck(sequence, status());
            case RECORD_UPDATE:
            case RECORD_REPORT: {
                requireArgument(0);
                byte[] snapshot = new byte[length];
                in.readBytes(snapshot);
                return new RecordUpdate(op == FrameType.RECORD_REPORT, sequence, snapshot);
            }
            case RECORD_ACK:
                return new RecordAck(sequence, status());
            case STATUS_QUERY: {
                long rangeLength = in.readLong();
                if (argument < 0 || rangeLength < 0) {
                    throw bad("status query of " + rangeLength + " bytes at " + argument);
                }
                return new StatusQuery(sequence, argument, rangeLength);
            }
            case HASH_BATCH:
                return body(in, () -> HashBatchFrame.read(sequence, argument, in, length));
            case BLOCK_REQUEST: {
                AckStatus status = status();
                return body(in, () -> BlockRequest.read(sequence, status, in, length));
            }
            case PEER_CALL: {
                requireArgument(0);
                byte[] body = new byte[length];
                in.readBytes(body);
                return new PeerCall(sequence, body);
            }
            case PEER_REPLY: {
                AckStatus status = status();
                byte[] body = new byte[length];
                in.readBytes(body);
                return new PeerReply(sequence, status, body);
            }
            case POINT_MANIFEST:
                requireArgument(0);
                return body(in, () -> PointManifest.read(sequence, FrameHeader.more(flags), in, length));
            case POINT_ACK:
                return new PointAck(sequence, status());
            case STATUS_REPLY:
                requireArgument(0);
                return new StatusReply(sequence);
            case FLUSH:
                requireArgument(0);
                return new Flush(sequence);
            case FLUSH_ACK:
                return new FlushAck(sequence, status());
            case HEARTBEAT:
                return new Heartbeat(sequence, argument);
            case ERROR:
                PeerErrorCode code = PeerErrorCode.of(argument);
                if (code == null) {
                    throw bad("unknown error code " + argument);
                }
                return new PeerError(code, in.readCharSequence(length, StandardCharsets.UTF_8).toString());
            case HELLO:
                requireArgument(0);
                return body(in, () -> HelloBody.readHello(in, length));
            case HELLO_ACK:
                requireArgument(0);
                return body(in, () -> HelloBody.readAck(in)); // fixed length, checked with the header
            case HELLO_PROOF:
                requireArgument(0);
                return body(in, () -> new HelloProof(HelloBody.bytes(in, HelloBody.PROOF_LENGTH),
                        HelloBody.readIdentity(in, length - HelloBody.PROOF_LENGTH)));
            case HELLO_IDENTITY:
                requireArgument(0);
                return body(in, () -> HelloBody.readIdentity(in, length));
            case HELLO_DONE:
                requireArgument(0);
                if (length != 0 && length != HelloBody.PROOF_LENGTH) {
                    throw bad("a discard order is 32 bytes");
                }
                return new HelloDone(length == 0 ? null : HelloBody.bytes(in, HelloBody.PROOF_LENGTH));
            default:
                throw bad("no decoder for " + op);
        }
    }

    /**
     * Reads a structured payload with {@code read}; a payload that does not add up is skipped whole
     * (the stream stays framed for the error's log) and refused as malformed.
     */
    private PeerMessage body(ByteBuf in, Supplier<PeerMessage> read) {
        int start = in.readerIndex();
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            in.readerIndex(start + length);
            throw bad(e.getMessage());
        }
    }

    private AckStatus status() {
        AckStatus s = AckStatus.of(argument);
        if (s == null) {
            throw bad("unknown status " + argument);
        }
        return s;
    }

    private void requireArgument(long expected) {
        if (argument != expected) {
            throw bad("reserved argument is " + argument);
        }
    }

    /** Names the frame whose header was just read (its opcode known). */
    private PeerFrameException bad(String why) {
        return bad(new FrameHeader(opcode.code(), flags, length, sequence, argument), why);
    }

    private static PeerFrameException bad(FrameHeader h, String why) {
        return new PeerFrameException("malformed peer frame " + h + ": " + why);
    }
}
