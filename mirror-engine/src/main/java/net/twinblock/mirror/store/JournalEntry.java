package net.twinblock.mirror.store;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk form of one journal entry: a 40-byte header (big-endian) and, for a write, its data.
 *
 * <pre>
 *  0  u32 magic 'TBJ1'            4  u32 CRC32C of bytes 8-39 and the data
 *  8  u64 entry number (consecutive across segments; a segment is named by its first)
 * 16  u32 transfer id (the primary's sequence number of the mirrored write or discard)
 * 20  u8  kind (1 write, 2 discard), 3 bytes zero
 * 24  u64 byte offset on the volume  32  u64 length (of the data, or of the discarded range)
 * </pre>
 *
 * The checksum covers everything but the magic, so a torn entry (a power cut between the pages of
 * one append) is found and, with everything after it, discarded at replay.
 */
final class JournalEntry {

    static final int HEADER = 40;
    static final int MAGIC = 0x54424A31;
    static final byte WRITE = 1;
    static final byte DISCARD = 2;

    private JournalEntry() {
    }

    /**
     * Fills {@code header} (a view of {@link #HEADER} bytes, left cleared) with an entry's header,
     * the checksum over the fields and {@code data} (none for a discard), each data buffer read
     * from its mark and reset to it; {@code crc} is the caller's, reused. Allocates nothing: it
     * runs once per mirrored write on the journal thread.
     */
    static void header(ByteBuffer header, CRC32C crc, long number, int transfer, byte kind, long offset,
            long length, ByteBuffer[] data) {
        header.clear();
        header.putInt(MAGIC).putInt(0).putLong(number).putInt(transfer).put(kind).put((byte) 0).putShort((short) 0)
                .putLong(offset).putLong(length);
        crc.reset();
        header.position(8);
        crc.update(header);
        for (ByteBuffer b : data) {
            crc.update(b);
            b.reset();
        }
        header.putInt(4, (int) crc.getValue());
        header.clear();
    }

    /** A header read back: null fields never; {@link #valid} says whether it may be trusted. */
    record Header(int magic, int crc, long number, int transfer, byte kind, long offset, long length) {

        static Header read(ByteBuffer b) {
            return new Header(b.getInt(0), b.getInt(4), b.getLong(8), b.getInt(16), b.get(20), b.getLong(24),
                    b.getLong(32));
        }

        long dataLength() {
            return kind == WRITE ? length : 0;
        }

        boolean plausible() {
            return magic == MAGIC && (kind == WRITE || kind == DISCARD) && offset >= 0 && length >= 0
                    && length <= Integer.MAX_VALUE;
        }

        /** True if the checksum matches the header {@code b} and {@code data} (empty for a discard). */
        boolean valid(ByteBuffer b, ByteBuffer data, CRC32C crc) {
            crc.reset();
            crc.update(b.duplicate().position(8).limit(HEADER));
            crc.update(data.duplicate());
            return (int) crc.getValue() == this.crc;
        }
    }
}
