package net.twinblock.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The iSCSI header and data digest: CRC32C, the Castagnoli polynomial (RFC 7143 §13.1,
 * RFC 3720 Appendix B.4), computed over ByteBufs in place (no copy, composite buffers too).
 *
 * <p>Byte order on the wire: the 32-bit CRC value is sent least significant byte first. RFC 3720
 * B.4's vector "32 bytes of zeros -> aa 36 91 8a" lists the wire bytes of the value 0x8a9136aa;
 * libiscsi (lib/pdu.c stores {@code crc & 0xff} first) and the Linux/SCST targets
 * ({@code cpu_to_le32}) agree. Hence {@link #writeDigest} and {@link #readDigest} use LE.
 *
 * <p>One {@link CRC32C} per thread, so the event loop computes digests without allocating.
 */
public final class Crc32c {
    /** Size of a digest on the wire. */
    public static final int DIGEST_LENGTH = 4;

    private static final byte[] ZEROS = new byte[DIGEST_LENGTH];

    private static final FastThreadLocal<CRC32C> CRC = new FastThreadLocal<>() {
        @Override
        protected CRC32C initialValue() {
            return new CRC32C();
        }
    };

    private Crc32c() {
    }

    /** CRC32C of {@code buf}'s readable bytes; the buffer's indices are not changed. */
    public static int compute(ByteBuf buf) {
        return compute(buf, buf.readerIndex(), buf.readableBytes());
    }

    /** CRC32C of {@code length} bytes of {@code buf} from absolute {@code index}. */
    public static int compute(ByteBuf buf, int index, int length) {
        CRC32C crc = begin();
        update(crc, buf, index, length);
        return (int) crc.getValue();
    }

    /**
     * CRC32C of a data segment followed by {@code padding} zero bytes: the data digest covers
     * the pad (RFC 7143 §11.2.4) but an outgoing Pdu's data buffer does not hold it.
     */
    public static int computeWithPadding(ByteBuf data, int padding) {
        CRC32C crc = begin();
        update(crc, data, data.readerIndex(), data.readableBytes());
        crc.update(ZEROS, 0, padding);
        return (int) crc.getValue();
    }

    /** CRC32C over the readable bytes of two buffers as one run (BHS followed by AHS). */
    public static int compute(ByteBuf first, ByteBuf second) {
        CRC32C crc = begin();
        update(crc, first, first.readerIndex(), first.readableBytes());
        update(crc, second, second.readerIndex(), second.readableBytes());
        return (int) crc.getValue();
    }

    /** Appends a digest in wire byte order. */
    public static ByteBuf writeDigest(ByteBuf out, int digest) {
        return out.writeIntLE(digest);
    }

    /** Reads a digest in wire byte order. */
    public static int readDigest(ByteBuf in) {
        return in.readIntLE();
    }

    private static CRC32C begin() {
        CRC32C crc = CRC.get();
        crc.reset();
        return crc;
    }

    private static void update(CRC32C crc, ByteBuf buf, int index, int length) {
        if (length == 0) {
            return;
        }
        if (buf.hasArray()) {
            // Heap buffer: straight from the backing array, no ByteBuffer view to allocate.
            crc.update(buf.array(), buf.arrayOffset() + index, length);
        } else if (buf.nioBufferCount() == 1) {
            // nioBuffer, not internalNioBuffer: the internal one is shared with every slice of
            // the same pooled buffer, and those slices may be in use on a storage thread.
            crc.update(buf.nioBuffer(index, length));
        } else {
            // Composite (or otherwise segmented): walk the segments; nioBuffers() never merges.
            for (ByteBuffer part : buf.nioBuffers(index, length)) {
                crc.update(part);
            }
        }
    }
}
