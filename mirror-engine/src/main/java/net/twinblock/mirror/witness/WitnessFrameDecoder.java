package net.twinblock.mirror.witness;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import net.twinblock.mirror.link.FrameHeader;

/**
 * Turns the witness byte stream into {@link WitnessMessage}s: wait for the 16-byte header, check
 * it against its {@link WitnessFrameType}, wait for the (small) body, hand it to the type's codec.
 * Every message is copied into plain values, so no buffer outlives this decoder.
 *
 * <p>A header with an unknown opcode, flags, or a payload length its type cannot have closes the
 * connection before any of the payload is buffered; so does a body its codec refuses, and, once
 * the handshake is done, a frame whose seal ({@link FrameSeal#RECEIVING}) does not check out. After that
 * the decoder drops whatever still arrives.
 */
public final class WitnessFrameDecoder extends ByteToMessageDecoder {

    private FrameHeader header;
    private WitnessFrameType type;
    private boolean broken;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (broken) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            if (header == null) {
                if (in.readableBytes() < FrameHeader.LENGTH) {
                    return;
                }
                FrameHeader h = FrameHeader.read(in);
                type = check(h);
                header = h;
            }
            FrameSeal seal = ctx.channel().attr(FrameSeal.RECEIVING).get();
            if (in.readableBytes() < header.payloadLength() + (seal == null ? 0 : FrameSeal.LENGTH)) {
                return;
            }
            ByteBuf body = in.readSlice(header.payloadLength());
            if (seal != null) {
                byte[] trailer = new byte[FrameSeal.LENGTH];
                in.readBytes(trailer);
                if (!seal.opens(header, body, trailer)) {
                    throw bad(header, "its seal does not check out: injected, altered, replayed or reordered on the"
                            + " way");
                }
            }
            out.add(read(header, type, body));
            header = null;
            type = null;
        } catch (WitnessFrameException e) {
            broken = true;
            in.skipBytes(in.readableBytes());
            ctx.close();
            throw e;
        }
    }

    private static WitnessFrameType check(FrameHeader h) {
        WitnessFrameType t = WitnessFrameType.of(h.opcode());
        if (t == null) {
            throw bad(h, "unknown opcode 0x" + Integer.toHexString(h.opcode()));
        }
        if (h.flags() != 0) {
            throw bad(h, t + " takes no flags, got 0x" + Integer.toHexString(h.flags()));
        }
        if (h.payloadLength() < t.minPayload() || h.payloadLength() > t.maxPayload()) {
            throw bad(h, t + " payload of " + h.payloadLength() + " bytes is outside " + t.minPayload() + ".."
                    + t.maxPayload());
        }
        return t;
    }

    private static WitnessMessage read(FrameHeader h, WitnessFrameType t, ByteBuf body) {
        WitnessMessage m;
        try {
            m = t.codec().read(h, body);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw bad(h, e.getMessage());
        }
        if (body.isReadable()) {
            throw bad(h, body.readableBytes() + " bytes left over after the " + t + " body");
        }
        return m;
    }

    private static WitnessFrameException bad(FrameHeader h, String why) {
        return new WitnessFrameException("malformed witness frame " + h + ": " + why);
    }
}
