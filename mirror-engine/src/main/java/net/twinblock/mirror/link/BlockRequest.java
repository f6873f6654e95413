package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/**
 * Secondary to primary: the answer to {@link HashBatchFrame} {@code id}. With {@code status} OK,
 * {@code ranges} holds (first block, block count) pairs that differ, which the primary then
 * copies; any other status means the secondary could not compare (its volume failed, or the
 * batch did not fit its volume) and the scan stops. Payload: n x (u64 first, u64 count).
 */
public record BlockRequest(int id, AckStatus status, long[] ranges) implements PeerMessage {

    public BlockRequest {
        if (ranges.length % 2 != 0) {
            throw new IllegalArgumentException("block ranges come in (first, count) pairs");
        }
        for (int i = 0; i < ranges.length; i += 2) {
            if (ranges[i] < 0 || ranges[i + 1] <= 0) {
                throw new IllegalArgumentException("bad block range " + ranges[i] + "+" + ranges[i + 1]);
            }
        }
    }

    @Override
    public FrameType opcode() {
        return FrameType.BLOCK_REQUEST;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(FrameType.BLOCK_REQUEST.code(), 0, ranges.length * 8, id, status.code());
    }

    @Override
    public void writeBody(ByteBuf out) {
        for (long v : ranges) {
            out.writeLong(v);
        }
    }

    static BlockRequest read(int id, AckStatus status, ByteBuf in, int length) {
        if (length % 16 != 0) {
            throw new IllegalArgumentException("block request payload of " + length + " bytes is not whole ranges");
        }
        long[] ranges = new long[length / 8];
        for (int i = 0; i < ranges.length; i++) {
            ranges[i] = in.readLong();
        }
        return new BlockRequest(id, status, ranges);
    }
}
