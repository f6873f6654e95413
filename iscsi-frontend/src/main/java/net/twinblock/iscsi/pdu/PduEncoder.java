package net.twinblock.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.PromiseCombiner;

/**
 * Writes {@link Pdu}s and {@link FileRegionPdu}s to the wire (RFC 7143 §11.2): BHS with
 * TotalAHSLength and DataSegmentLength taken from the actual buffers, AHS, header digest, the
 * data segment itself (retained, never copied), zero pad to 4 bytes, data digest.
 *
 * <p>A Pdu becomes one write of a CompositeByteBuf (header | data | pad+digest), so the
 * transport does a gathering write and the caller's promise covers the whole PDU. Nothing is
 * flushed here: the session layer batches flushes. Anything else passes through untouched.
 *
 * <p>Ownership: the encoder releases every Pdu/FileRegionPdu it is given, on every path.
 */
public final class PduEncoder extends ChannelOutboundHandlerAdapter {
    private static final int MAX_AHS_LENGTH = 255 * 4;
    private static final byte[] ZERO_PAD = new byte[3];

    private boolean headerDigest;
    private boolean dataDigest;

    /** Negotiated HeaderDigest/DataDigest; apply from the next PDU written. */
    public void setDigests(boolean header, boolean data) {
        this.headerDigest = header;
        this.dataDigest = data;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof Pdu pdu) {
            writePdu(ctx, pdu, promise);
        } else if (msg instanceof FileRegionPdu regionPdu) {
            writeFileRegionPdu(ctx, regionPdu, promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    private void writePdu(ChannelHandlerContext ctx, Pdu pdu, ChannelPromise promise) {
        ByteBuf encoded;
        try {
            encoded = encode(ctx.alloc(), pdu);
        } catch (RuntimeException e) {
            promise.tryFailure(e instanceof EncoderException ? e : new EncoderException(e));
            return;
        } finally {
            // The encoded buffer holds its own references to the data; ours ends here.
            pdu.release();
        }
        ctx.write(encoded, promise);
    }

    /** Encodes without releasing {@code pdu}; the returned buffer is the caller's to write or release. */
    ByteBuf encode(ByteBufAllocator alloc, Pdu pdu) {
        ByteBuf data = pdu.data();
        int dataLength = data.readableBytes();
        ByteBuf header = header(alloc, pdu, dataLength);
        if (dataLength == 0) {
            return header;
        }
        int pad = PduDecoder.padding(dataLength);
        boolean digest = dataDigest;
        CompositeByteBuf out = alloc.compositeBuffer(3);
        // Each addComponent(true, ..) hands one reference to the composite.
        out.addComponent(true, header);
        out.addComponent(true, data.retainedSlice());
        if (pad > 0 || digest) {
            ByteBuf trailer = alloc.buffer(pad + (digest ? Crc32c.DIGEST_LENGTH : 0));
            trailer.writeBytes(ZERO_PAD, 0, pad);
            if (digest) {
                Crc32c.writeDigest(trailer, Crc32c.computeWithPadding(data, pad));
            }
            out.addComponent(true, trailer);
        }
        return out;
    }

    private void writeFileRegionPdu(ChannelHandlerContext ctx, FileRegionPdu msg, ChannelPromise promise) {
        ByteBuf header = null;
        try {
            if (dataDigest) {
                throw new EncoderException("FileRegionPdu cannot carry a data digest; send a Pdu with a ByteBuf "
                        + "payload when DataDigest=CRC32C");
            }
            int pad = PduDecoder.padding(msg.length());
            header = header(ctx.alloc(), msg.header(), msg.length());
            PromiseCombiner all = new PromiseCombiner(ctx.executor());
            all.add(ctx.write(header));
            header = null;
            // The region's reference moves to the transport; msg keeps its own until released below.
            all.add(ctx.write(msg.region().retain()));
            if (pad > 0) {
                all.add(ctx.write(ctx.alloc().buffer(pad, pad).writeBytes(ZERO_PAD, 0, pad)));
            }
            all.finish(promise);
        } catch (RuntimeException e) {
            ReferenceCountUtil.release(header);
            promise.tryFailure(e instanceof EncoderException ? e : new EncoderException(e));
        } finally {
            msg.release();
        }
    }

    /** BHS (length fields from the real buffers) + AHS + optional header digest, in one buffer. */
    private ByteBuf header(ByteBufAllocator alloc, Pdu pdu, int dataLength) {
        ByteBuf ahs = pdu.ahs();
        int ahsLength = ahs.readableBytes();
        if (ahsLength % 4 != 0 || ahsLength > MAX_AHS_LENGTH) {
            throw new EncoderException("AHS length must be a multiple of 4 up to " + MAX_AHS_LENGTH + ", got "
                    + ahsLength);
        }
        if (dataLength > PduDecoder.MAX_MAX_RECV_DATA_SEGMENT_LENGTH) {
            throw new EncoderException("data segment too long for a PDU: " + dataLength);
        }
        boolean digest = headerDigest;
        int length = Pdu.BHS_LENGTH + ahsLength + (digest ? Crc32c.DIGEST_LENGTH : 0);
        ByteBuf out = alloc.buffer(length, length);
        try {
            ByteBuf bhs = pdu.bhs();
            out.writeBytes(bhs, bhs.readerIndex(), Pdu.BHS_LENGTH);
            out.setByte(Pdu.OFF_TOTAL_AHS_LENGTH, ahsLength / 4);
            out.setMedium(Pdu.OFF_DATA_SEGMENT_LENGTH, dataLength);
            out.writeBytes(ahs, ahs.readerIndex(), ahsLength);
            if (digest) {
                Crc32c.writeDigest(out, Crc32c.compute(out));
            }
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }
}
