package net.twinblock.it.client;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An iSCSI PDU as raw bytes: the 48-byte Basic Header Segment and the data segment, no digests.
 * Written from RFC 7143 §11 for these tests alone, so the tests never share a decoder (or its bugs)
 * with the node under test.
 */
public final class RawPdu {
    public static final int BHS_LENGTH = 48;

    // Opcodes (RFC 7143 §11.2.1.2) the tests send or expect.
    public static final int NOP_OUT = 0x00;
    public static final int SCSI_COMMAND = 0x01;
    public static final int TASK_MGMT_REQUEST = 0x02;
    public static final int LOGIN_REQUEST = 0x03;
    public static final int TEXT_REQUEST = 0x04;
    public static final int DATA_OUT = 0x05;
    public static final int LOGOUT_REQUEST = 0x06;
    public static final int NOP_IN = 0x20;
    public static final int SCSI_RESPONSE = 0x21;
    public static final int TASK_MGMT_RESPONSE = 0x22;
    public static final int LOGIN_RESPONSE = 0x23;
    public static final int TEXT_RESPONSE = 0x24;
    public static final int DATA_IN = 0x25;
    public static final int LOGOUT_RESPONSE = 0x26;
    public static final int R2T = 0x31;
    public static final int ASYNC_MESSAGE = 0x32;
    public static final int REJECT = 0x3f;

    public static final int IMMEDIATE = 0x40;
    public static final int FINAL = 0x80;
    public static final int RESERVED_TAG = 0xffffffff;

    private final ByteBuffer bhs;
    private final byte[] data;

    public RawPdu(byte[] bhs, byte[] data) {
        if (bhs.length != BHS_LENGTH) {
            throw new IllegalArgumentException("BHS must be 48 bytes, got " + bhs.length);
        }
        this.bhs = ByteBuffer.wrap(bhs);
        this.data = data;
    }

    /** A BHS of zeros with the opcode byte set; callers fill in the rest. */
    public static RawPdu of(int opcodeByte, byte[] data) {
        byte[] bhs = new byte[BHS_LENGTH];
        bhs[0] = (byte) opcodeByte;
        RawPdu pdu = new RawPdu(bhs, data);
        pdu.dataSegmentLength(data.length);
        return pdu;
    }

    public int opcode() {
        return bhs.get(0) & 0x3f;
    }

    public int flags() {
        return bhs.get(1) & 0xff;
    }

    public RawPdu flags(int flags) {
        bhs.put(1, (byte) flags);
        return this;
    }

    public int byteAt(int offset) {
        return bhs.get(offset) & 0xff;
    }

    public RawPdu byteAt(int offset, int value) {
        bhs.put(offset, (byte) value);
        return this;
    }

    public int intAt(int offset) {
        return bhs.getInt(offset);
    }

    public RawPdu intAt(int offset, int value) {
        bhs.putInt(offset, value);
        return this;
    }

    public int dataSegmentLength() {
        return (bhs.get(5) & 0xff) << 16 | (bhs.get(6) & 0xff) << 8 | (bhs.get(7) & 0xff);
    }

    /** Sets the length field alone; lets a test declare more data than it sends. */
    public RawPdu dataSegmentLength(int length) {
        bhs.put(5, (byte) (length >>> 16));
        bhs.put(6, (byte) (length >>> 8));
        bhs.put(7, (byte) length);
        return this;
    }

    /** Single-level LUN in peripheral device addressing, as Linux and libiscsi send it. */
    public RawPdu lun(int lun) {
        bhs.putLong(8, 0);
        bhs.put(8, (byte) ((lun >>> 8) & 0x3f));
        bhs.put(9, (byte) lun);
        return this;
    }

    public int itt() {
        return bhs.getInt(16);
    }

    public RawPdu itt(int itt) {
        return intAt(16, itt);
    }

    public int ttt() {
        return bhs.getInt(20);
    }

    /** StatSN in target PDUs (offset 24). */
    public int statSn() {
        return bhs.getInt(24);
    }

    public int expCmdSn() {
        return bhs.getInt(28);
    }

    public int maxCmdSn() {
        return bhs.getInt(32);
    }

    public byte[] bhs() {
        return bhs.array();
    }

    public byte[] data() {
        return data;
    }

    /** BHS then data then padding to a 4-byte boundary, in one write so the PDU is one segment. */
    public byte[] toBytes() {
        int padded = (data.length + 3) & ~3;
        byte[] out = Arrays.copyOf(bhs.array(), BHS_LENGTH + padded);
        System.arraycopy(data, 0, out, BHS_LENGTH, data.length);
        return out;
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(toBytes());
        out.flush();
    }

    /**
     * Reads one PDU from a target (no digests negotiated).
     *
     * @throws EOFException when the target closed the connection
     */
    public static RawPdu readFrom(InputStream in) throws IOException {
        DataInputStream din = new DataInputStream(in);
        byte[] bhs = new byte[BHS_LENGTH];
        din.readFully(bhs);
        int ahsLength = (bhs[4] & 0xff) * 4;
        int dsl = (bhs[5] & 0xff) << 16 | (bhs[6] & 0xff) << 8 | (bhs[7] & 0xff);
        din.skipNBytes(ahsLength);
        byte[] data = new byte[dsl];
        din.readFully(data);
        din.skipNBytes(((dsl + 3) & ~3) - dsl);
        return new RawPdu(bhs, data);
    }

    @Override
    public String toString() {
        return String.format("PDU opcode=0x%02x flags=0x%02x itt=0x%08x dsl=%d", opcode(), flags(), itt(),
                dataSegmentLength());
    }
}
