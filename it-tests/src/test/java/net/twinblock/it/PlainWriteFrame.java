package net.twinblock.it;

import java.nio.ByteBuffer;

/**
 * A well-formed small WRITE frame of the mirror link, as a primary would send it after its
 * handshake, written from mirror-engine's FrameHeader spec (the it-tests see only the jar): what a
 * client that never authenticated injects at a secondary's link port.
 */
final class PlainWriteFrame {

    private static final int OPCODE_WRITE = 0x10;
    private static final int HEADER = 16;

    private PlainWriteFrame() {
    }

    /** The frame writing {@code payload} at block {@code lba}. */
    static byte[] of(long lba, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(HEADER + payload.length);
        frame.putInt(OPCODE_WRITE << 24 | payload.length); // opcode, flags 0, 20-bit length
        frame.putInt(1);                                  // sequence
        frame.putLong(lba * PairClient.BLOCK);            // byte offset on the volume
        frame.put(payload);
        return frame.array();
    }
}
