package net.twinblock.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Splits the TCP byte stream into {@link Pdu}s (RFC 7143 §11.2): BHS, AHS, header digest,
 * data segment plus pad to 4 bytes, data digest. A resumable state machine: each state waits for
 * exactly the bytes it needs, so any split of the stream yields the same PDUs.
 *
 * <p>Zero copy: the emitted Pdu's data is a retained slice of the socket buffers (see
 * {@link RetainedSlices} for why the cumulation is a composite and is never sliced itself, and
 * for the one case that copies: a payload trickled in over more than 16 reads). The
 * 48-byte BHS and the AHS are copied: small, and it makes the header contiguous and independent.
 *
 * <p>Errors: a header that cannot be trusted (oversized segment, header digest mismatch) is
 * thrown as a fatal {@link PduFormatException} and all further input is discarded, because the
 * PDU boundaries are lost. A data digest mismatch is not fatal: the PDU is consumed and dropped,
 * a non-fatal PduFormatException goes down the pipeline via {@code fireExceptionCaught}, and
 * decoding continues with the next PDU (it may already be buffered, so throwing and waiting
 * for more bytes could hang the initiator). Unknown opcodes are emitted: rejecting them is the
 * session layer's call.
 *
 * <p>Ownership: each emitted Pdu has refCnt 1 and belongs to the next handler.
 */
public final class PduDecoder extends ByteToMessageDecoder {
    private static final System.Logger LOG = System.getLogger(PduDecoder.class.getName());

    /** What an initiator may send before login negotiates more (RFC 7143 §13.12). */
    public static final int DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH = 8192;
    /** The smallest and largest values MaxRecvDataSegmentLength may take (RFC 7143 §13.12). */
    public static final int MIN_MAX_RECV_DATA_SEGMENT_LENGTH = 512;
    public static final int MAX_MAX_RECV_DATA_SEGMENT_LENGTH = (1 << 24) - 1;

    private enum State {
        READ_BHS,
        READ_AHS,
        READ_HEADER_DIGEST,
        READ_DATA,
        READ_DATA_DIGEST,
        /** Framing lost after a fatal error: swallow everything until the connection closes. */
        DISCARD
    }

    private State state = State.READ_BHS;
    private int maxRecvDataSegmentLength = DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH;
    private boolean headerDigest;
    private boolean dataDigest;

    // The PDU being assembled. bhs/ahs/data are owned here until handed to a Pdu.
    private boolean pduHeaderDigest;
    private boolean pduDataDigest;
    private ByteBuf bhs;
    private ByteBuf ahs;
    private ByteBuf data;
    private int ahsLength;
    private int dataLength;
    private int padding;
    private int dataCrc;

    public PduDecoder() {
        setCumulator(COMPOSITE_CUMULATOR);
    }

    /**
     * The limit we declared to the initiator; applies from the next BHS read. Like
     * {@link #setDigests}, call it on the channel's event loop (the session handler does).
     */
    public void setMaxRecvDataSegmentLength(int length) {
        if (length < MIN_MAX_RECV_DATA_SEGMENT_LENGTH || length > MAX_MAX_RECV_DATA_SEGMENT_LENGTH) {
            throw new IllegalArgumentException("MaxRecvDataSegmentLength must be 512.."
                    + MAX_MAX_RECV_DATA_SEGMENT_LENGTH + ", got " + length);
        }
        this.maxRecvDataSegmentLength = length;
    }

    public int maxRecvDataSegmentLength() {
        return maxRecvDataSegmentLength;
    }

    /**
     * Negotiated HeaderDigest/DataDigest (CRC32C or None). Latched per PDU when its BHS is
     * complete, so a PDU already past its header keeps the setting it started with.
     */
    public void setDigests(boolean header, boolean data) {
        this.headerDigest = header;
        this.dataDigest = data;
    }

    // Each state falls through to the next as soon as its bytes are there, like codec-memcache.
    @SuppressWarnings("fallthrough")
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case READ_BHS:
                if (in.readableBytes() < Pdu.BHS_LENGTH) {
                    return;
                }
                int segmentLength = in.getUnsignedMedium(in.readerIndex() + Pdu.OFF_DATA_SEGMENT_LENGTH);
                if (segmentLength > maxRecvDataSegmentLength) {
                    // Checked on the raw header, before anything is allocated for the segment.
                    throw fatal(in, RejectReason.PROTOCOL_ERROR, ByteBufUtil.getBytes(in, in.readerIndex(),
                            Pdu.BHS_LENGTH), "DataSegmentLength " + segmentLength
                            + " exceeds MaxRecvDataSegmentLength " + maxRecvDataSegmentLength);
                }
                pduHeaderDigest = headerDigest;
                pduDataDigest = dataDigest;
                bhs = ctx.alloc().buffer(Pdu.BHS_LENGTH, Pdu.BHS_LENGTH);
                in.readBytes(bhs, Pdu.BHS_LENGTH);
                ahsLength = bhs.getUnsignedByte(Pdu.OFF_TOTAL_AHS_LENGTH) * 4;
                dataLength = segmentLength;
                padding = padding(segmentLength);
                state = State.READ_AHS;
                // fall through
            case READ_AHS:
                if (ahsLength > 0) {
                    if (in.readableBytes() < ahsLength) {
                        return;
                    }
                    ahs = ctx.alloc().buffer(ahsLength, ahsLength);
                    in.readBytes(ahs, ahsLength);
                }
                state = State.READ_HEADER_DIGEST;
                // fall through
            case READ_HEADER_DIGEST:
                if (pduHeaderDigest) {
                    if (in.readableBytes() < Crc32c.DIGEST_LENGTH) {
                        return;
                    }
                    int received = Crc32c.readDigest(in);
                    int expected = Crc32c.compute(bhs, ahs == null ? Unpooled.EMPTY_BUFFER : ahs);
                    if (received != expected) {
                        throw fatal(in, RejectReason.PROTOCOL_ERROR, ByteBufUtil.getBytes(bhs), String.format(
                                "header digest mismatch: received 0x%08x, computed 0x%08x", received, expected));
                    }
                }
                state = State.READ_DATA;
                // fall through
            case READ_DATA:
                if (dataLength > 0) {
                    int segmentWithPad = dataLength + padding;
                    if (in.readableBytes() < segmentWithPad) {
                        return;
                    }
                    int at = in.readerIndex();
                    if (pduDataDigest) {
                        dataCrc = Crc32c.compute(in, at, segmentWithPad);
                    }
                    // Our own reference(s) on the socket buffers; the Pdu will own them.
                    data = RetainedSlices.retainedSlice(in, at, dataLength, ctx.alloc());
                    in.skipBytes(segmentWithPad);
                }
                state = State.READ_DATA_DIGEST;
                // fall through
            case READ_DATA_DIGEST:
                if (pduDataDigest && dataLength > 0) {
                    if (in.readableBytes() < Crc32c.DIGEST_LENGTH) {
                        return;
                    }
                    int received = Crc32c.readDigest(in);
                    if (received != dataCrc) {
                        byte[] header = ByteBufUtil.getBytes(bhs);
                        int itt = bhs.getInt(Pdu.OFF_ITT);
                        releasePartial();
                        state = State.READ_BHS;
                        ctx.fireExceptionCaught(new PduFormatException(RejectReason.DATA_DIGEST_ERROR, header, false,
                                String.format("data digest mismatch (ITT 0x%08x): received 0x%08x, computed 0x%08x",
                                        itt, received, dataCrc)));
                        return;
                    }
                }
                // Ownership of bhs, ahs and data passes to the Pdu, and the Pdu to the next handler.
                out.add(new Pdu(bhs, ahs, data));
                bhs = null;
                ahs = null;
                data = null;
                state = State.READ_BHS;
                return;
            case DISCARD:
                in.skipBytes(in.readableBytes());
                return;
            default:
                throw new IllegalStateException("unknown state " + state);
        }
    }

    // Input ended (close or half-close): drop a half-read PDU. handlerRemoved0 covers removal.
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (state != State.DISCARD && (state != State.READ_BHS || in.isReadable())) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: connection ended inside a PDU ({1}, {2} bytes unread)",
                    ctx.channel(), state, in.readableBytes());
        }
        releasePartial();
        state = State.READ_BHS;
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releasePartial();
    }

    private PduFormatException fatal(ByteBuf in, RejectReason reason, byte[] header, String message) {
        releasePartial();
        state = State.DISCARD;
        in.skipBytes(in.readableBytes());
        return new PduFormatException(reason, header, true, message);
    }

    private void releasePartial() {
        if (bhs != null) {
            bhs.release();
            bhs = null;
        }
        if (ahs != null) {
            ahs.release();
            ahs = null;
        }
        if (data != null) {
            data.release();
            data = null;
        }
    }

    static int padding(int length) {
        return -length & 3;
    }
}
