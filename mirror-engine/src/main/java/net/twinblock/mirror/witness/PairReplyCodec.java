package net.twinblock.mirror.witness;

import io.netty.buffer.ByteBuf;
import net.twinblock.mirror.link.FrameHeader;

/**
 * REPLY: sequence = request id, argument = epoch, payload =
 * {@code u8 verdict | u8 peer state (0 none) | u8 primary length | u8 0 | u64 lease granted ns
 * | u64 lease remaining ns | primary} (UTF-8).
 */
final class PairReplyCodec implements WitnessCodec<PairReply> {

    static final PairReplyCodec INSTANCE = new PairReplyCodec();
    static final int MIN = 4 + 8 + 8;
    static final int MAX = MIN + WireText.MAX_BYTES;

    private PairReplyCodec() {
    }

    @Override
    public FrameHeader header(PairReply m) {
        return new FrameHeader(WitnessFrameType.REPLY.code(), 0, MIN + WireText.encode(m.primary()).length, m.requestId(),
                m.epoch());
    }

    @Override
    public void writeBody(PairReply m, ByteBuf out) {
        byte[] primary = WireText.encode(m.primary());
        out.writeByte(m.verdict().code());
        out.writeByte(m.peer() == null ? 0 : m.peer().code());
        out.writeByte(primary.length);
        out.writeByte(0);
        out.writeLong(m.leaseNanos());
        out.writeLong(m.remainingNanos());
        out.writeBytes(primary);
    }

    @Override
    public PairReply read(FrameHeader h, ByteBuf body) {
        int verdictCode = body.readUnsignedByte();
        Verdict verdict = Verdict.of(verdictCode);
        if (verdict == null) {
            throw new IllegalArgumentException("unknown verdict " + verdictCode);
        }
        int peerCode = body.readUnsignedByte();
        PeerState peer = PeerState.of(peerCode);
        if (peer == null && peerCode != 0) {
            throw new IllegalArgumentException("unknown peer state " + peerCode);
        }
        int primaryLength = body.readUnsignedByte();
        WireText.requireZero("byte", body.readUnsignedByte());
        long lease = body.readLong();
        long remaining = body.readLong();
        if (body.readableBytes() != primaryLength) {
            throw new IllegalArgumentException("payload of " + (body.readableBytes() + MIN) + " bytes does not match"
                    + " its primary's length " + primaryLength);
        }
        String primary = WireText.read(body, primaryLength, "primary");
        return new PairReply(h.sequence(), verdict, h.argument(), primary, peer, lease, remaining);
    }
}
