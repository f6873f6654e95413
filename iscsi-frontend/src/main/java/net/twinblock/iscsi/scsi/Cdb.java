package net.twinblock.iscsi.scsi;

/** Big-endian field access on CDBs and parameter data, as SCSI lays every field out. */
public final class Cdb {

    private Cdb() {
    }

    public static int u8(byte[] b, int off) {
        return b[off] & 0xff;
    }

    public static int u16(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | (b[off + 1] & 0xff);
    }

    public static int u24(byte[] b, int off) {
        return (b[off] & 0xff) << 16 | u16(b, off + 1);
    }

    /** Unsigned 32-bit field as a long, so transfer lengths above 2^31 stay positive. */
    public static long u32(byte[] b, int off) {
        return ((long) u16(b, off) << 16) | u16(b, off + 2);
    }

    /** 64-bit field; an LBA above 2^63 comes back negative, which range checks treat as huge. */
    public static long u64(byte[] b, int off) {
        return u32(b, off) << 32 | u32(b, off + 4);
    }

    public static boolean bit(byte[] b, int off, int bit) {
        return (b[off] & (1 << bit)) != 0;
    }

    public static void putShort(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    public static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    public static void putLong(byte[] b, int off, long v) {
        putInt(b, off, (int) (v >>> 32));
        putInt(b, off + 4, (int) v);
    }
}
