package net.twinblock.iscsi.pdu;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Builds PDU wire bytes by hand, independently of {@link PduEncoder}, so decoder tests do not
 * trust the code under test to produce their input.
 */
final class WirePdu {
    final byte[] bhs = new byte[48];
    byte[] ahs = new byte[0];
    byte[] data = new byte[0];

    static WirePdu of(int opcode) {
        WirePdu p = new WirePdu();
        p.bhs[0] = (byte) opcode;
        return p;
    }

    WirePdu flags(int flags) {
        bhs[1] = (byte) flags;
        return this;
    }

    WirePdu u32(int offset, int value) {
        ByteBuffer.wrap(bhs).putInt(offset, value);
        return this;
    }

    WirePdu lun(long lun) {
        ByteBuffer.wrap(bhs).putLong(8, lun);
        return this;
    }

    WirePdu itt(int itt) {
        return u32(16, itt);
    }

    WirePdu ahs(byte[] ahs) {
        this.ahs = ahs;
        return this;
    }

    WirePdu data(byte[] data) {
        this.data = data;
        return this;
    }

    /** The BHS as it must appear on the wire (length fields filled in). */
    byte[] header() {
        byte[] h = bhs.clone();
        h[4] = (byte) (ahs.length / 4);
        h[5] = (byte) (data.length >>> 16);
        h[6] = (byte) (data.length >>> 8);
        h[7] = (byte) data.length;
        return h;
    }

    byte[] wire(boolean headerDigest, boolean dataDigest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] h = header();
        out.writeBytes(h);
        out.writeBytes(ahs);
        if (headerDigest) {
            out.writeBytes(le(crc(concat(h, ahs))));
        }
        if (data.length > 0) {
            byte[] padded = Arrays.copyOf(data, (data.length + 3) & ~3);
            out.writeBytes(padded);
            if (dataDigest) {
                out.writeBytes(le(crc(padded)));
            }
        }
        return out.toByteArray();
    }

    static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    static int crc(byte[] bytes) {
        CRC32C c = new CRC32C();
        c.update(bytes);
        return (int) c.getValue();
    }

    static byte[] le(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
