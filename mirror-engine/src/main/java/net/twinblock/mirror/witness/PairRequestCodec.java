package net.twinblock.mirror.witness;

import io.netty.buffer.ByteBuf;
import net.twinblock.mirror.link.FrameHeader;

/**
 * The six pair requests share one layout: sequence = request id, argument = epoch, payload =
 * {@code u8 pair id length | u8 node length | pair id | node} (UTF-8). The opcode says which request.
 */
final class PairRequestCodec implements WitnessCodec<PairRequest> {

    static final PairRequestCodec INSTANCE = new PairRequestCodec();
    static final int MIN = 2 + 1;
    static final int MAX = 2 + 2 * WireText.MAX_BYTES;

    private PairRequestCodec() {
    }

    @Override
    public FrameHeader header(PairRequest m) {
        int length = 2 + WireText.encode(m.pairId()).length + WireText.encode(m.node()).length;
        return new FrameHeader(m.op().code(), 0, length, m.requestId(), m.epoch());
    }

    @Override
    public void writeBody(PairRequest m, ByteBuf out) {
        byte[] pair = WireText.encode(m.pairId());
        byte[] node = WireText.encode(m.node());
        out.writeByte(pair.length);
        out.writeByte(node.length);
        out.writeBytes(pair);
        out.writeBytes(node);
    }

    @Override
    public PairRequest read(FrameHeader h, ByteBuf body) {
        int pairLength = body.readUnsignedByte();
        int nodeLength = body.readUnsignedByte();
        if (body.readableBytes() != pairLength + nodeLength) {
            throw new IllegalArgumentException("payload of " + (body.readableBytes() + 2) + " bytes does not match"
                    + " its name lengths " + pairLength + " and " + nodeLength);
        }
        String pair = WireText.read(body, pairLength, "pair id");
        String node = WireText.read(body, nodeLength, "node name");
        return new PairRequest(WitnessFrameType.of(h.opcode()), h.sequence(), pair, node, h.argument());
    }
}
