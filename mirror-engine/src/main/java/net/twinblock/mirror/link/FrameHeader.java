package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/**
 * The fixed 16-byte (128-bit) header that starts every peer frame, big-endian.
 *
 * <pre>
 *  byte   0               1               2               3
 *  bit    0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7
 *        +---------------+-------+-------+-------------------------------+
 *   0    |    opcode     | flags |        payload length (20 bits)       |
 *        +---------------+-------+---------------------------------------+
 *   4    |              sequence number / transfer id (32 bits)          |
 *        +---------------------------------------------------------------+
 *   8    |                                                               |
 *        +--                   argument (64 bits)                      --+
 *  12    |                                                               |
 *        +---------------------------------------------------------------+
 *  16    payload (payload length bytes)
 * </pre>
 *
 * 8 + 4 + 20 + 32 + 64 = 128 bits. What the argument means depends on the opcode:
 * <ul>
 *   <li>WRITE (the small write): flags = FUA, length = the data length in bytes, sequence = the
 *       write's sequence number, argument = the byte offset on the volume (LBA x block size). All
 *       of the write's metadata is in the header; the payload is the data itself.
 *   <li>WRITE_BEGIN: sequence = transfer id; nothing else (it only announces the transfer).
 *   <li>WRITE_DATA: sequence = transfer id, argument = offset of this chunk within the transfer.
 *   <li>WRITE_END: flags = FUA, sequence = transfer id, argument = byte offset on the volume,
 *       payload = 4 bytes total length (which the header has no room left for).
 *   <li>WRITE_ACK, FLUSH_ACK: sequence = what is acknowledged, argument = {@link AckStatus} code.
 *   <li>HEARTBEAT: argument = the sender's monotonic clock in ns; ERROR: argument = {@link PeerErrorCode}.
 * </ul>
 *
 * <p>Why these widths: a whole byte of opcode leaves room for the record, read-gate and resync
 * messages still to come; the payload length is in bytes, the same field for every opcode, so the
 * decoder frames the stream without knowing the opcode, and 20 bits (1 MiB - 1) is plenty for a
 * small write (default threshold 32 KiB) or a large write's chunk; a byte offset rather than an
 * LBA keeps the frame independent of the block size and needs all 64 bits for no volume size.
 */
public record FrameHeader(int opcode, int flags, int payloadLength, int sequence, long argument) {

    public static final int LENGTH = 16;

    /** Largest payload the 20-bit length field can state. */
    public static final int MAX_PAYLOAD = (1 << 20) - 1;

    /** Flag bit: the data must be durable (fdatasync) on the peer before it acknowledges. */
    public static final int FLAG_FUA = 0x1;

    /** Flag bit of a FORWARDED_WRITE chunk: more chunks of the same write follow. */
    public static final int FLAG_MORE = 0x2;

    public FrameHeader {
        check(opcode, flags, payloadLength);
    }

    private static void check(int opcode, int flags, int payloadLength) {
        if (opcode < 0 || opcode > 0xff) {
            throw new IllegalArgumentException("opcode " + opcode + " does not fit 8 bits");
        }
        if (flags < 0 || flags > 0xf) {
            throw new IllegalArgumentException("flags " + flags + " do not fit 4 bits");
        }
        if (payloadLength < 0 || payloadLength > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload length " + payloadLength + " does not fit 20 bits");
        }
    }

    /** Reads the 16 header bytes at the reader index and advances past them. */
    public static FrameHeader read(ByteBuf in) {
        int word0 = in.readInt();
        int sequence = in.readInt();
        long argument = in.readLong();
        return new FrameHeader(opcode(word0), flags(word0), payloadLength(word0), sequence, argument);
    }

    /** The fields of a header's first 32-bit word (what {@link #read} takes apart). */
    static int opcode(int word0) {
        return word0 >>> 24;
    }

    static int flags(int word0) {
        return (word0 >>> 20) & 0xf;
    }

    static int payloadLength(int word0) {
        return word0 & MAX_PAYLOAD;
    }

    public void write(ByteBuf out) {
        write(out, opcode, flags, payloadLength, sequence, argument);
    }

    /**
     * Writes a header from its fields, checked as the constructor checks them: the frames of
     * every mirrored write and acknowledgement go out this way, without a header object each.
     *
     * @throws IllegalArgumentException if a field does not fit its width
     */
    static void write(ByteBuf out, int opcode, int flags, int payloadLength, int sequence, long argument) {
        check(opcode, flags, payloadLength);
        out.writeInt(opcode << 24 | flags << 20 | payloadLength);
        out.writeInt(sequence);
        out.writeLong(argument);
    }

    public boolean fua() {
        return fua(flags);
    }

    public boolean more() {
        return more(flags);
    }

    /** The flag bits of a header's flags field (the decoder reads them without a header object). */
    static boolean fua(int flags) {
        return (flags & FLAG_FUA) != 0;
    }

    static boolean more(int flags) {
        return (flags & FLAG_MORE) != 0;
    }
}
