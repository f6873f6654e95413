package net.twinblock.iscsi.scsi;

import java.util.Objects;

/**
 * One sense condition (key, ASC/ASCQ, optional INFORMATION and sense-key-specific field
 * pointer) and its two wire encodings, fixed (0x70) and descriptor (0x72), SPC-4 §4.5.
 * Immutable: the same instance may be queued as a unit attention for many nexuses.
 */
public final class SenseData {

    /** Fixed format is 18 bytes: 8 header bytes plus an ADDITIONAL SENSE LENGTH of 10. */
    public static final int FIXED_LENGTH = 18;

    private final SenseKey key;
    private final AdditionalSense asc;
    private final Long information;
    /** Sense-key-specific bytes 15..17 of the fixed format, or -1 when SKSV is zero. */
    private final int senseKeySpecific;

    private SenseData(SenseKey key, AdditionalSense asc, Long information, int senseKeySpecific) {
        this.key = Objects.requireNonNull(key, "key");
        this.asc = Objects.requireNonNull(asc, "asc");
        this.information = information;
        this.senseKeySpecific = senseKeySpecific;
    }

    public static SenseData of(SenseKey key, AdditionalSense asc) {
        return new SenseData(key, asc, null, -1);
    }

    /** ILLEGAL REQUEST, INVALID FIELD IN CDB, pointing at the offending byte (and bit, or -1). */
    public static SenseData invalidFieldInCdb(int byteIndex, int bitIndex) {
        return new SenseData(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_CDB, null,
                fieldPointer(true, byteIndex, bitIndex));
    }

    /** ILLEGAL REQUEST, INVALID FIELD IN PARAMETER LIST, pointing into the Data-Out buffer. */
    public static SenseData invalidFieldInParameterList(int byteIndex, int bitIndex) {
        return new SenseData(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_PARAMETER_LIST,
                null, fieldPointer(false, byteIndex, bitIndex));
    }

    /**
     * A condition found at byte {@code byteIndex} of the parameter list: the field pointer (C/D=0)
     * for ILLEGAL REQUEST, which for COPY ABORTED reads as the segment pointer (SD=0: an offset
     * from the start of the parameter list), since both put SKSV and the offset in the same bits.
     */
    public static SenseData inParameterList(SenseKey key, AdditionalSense asc, int byteIndex) {
        return new SenseData(key, asc, null, fieldPointer(false, byteIndex, -1));
    }

    public static SenseData lbaOutOfRange() {
        return of(SenseKey.ILLEGAL_REQUEST, AdditionalSense.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE);
    }

    public static SenseData invalidOpcode() {
        return new SenseData(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_COMMAND_OPERATION_CODE,
                null, fieldPointer(true, 0, -1));
    }

    /** The same condition with the INFORMATION field set (e.g. offset of a miscompare). */
    public SenseData withInformation(long info) {
        return new SenseData(key, asc, info, senseKeySpecific);
    }

    private static int fieldPointer(boolean inCdb, int byteIndex, int bitIndex) {
        int b15 = 0x80 | (inCdb ? 0x40 : 0);
        if (bitIndex >= 0) {
            b15 |= 0x08 | (bitIndex & 0x7);
        }
        return b15 << 16 | (byteIndex & 0xffff);
    }

    public SenseKey key() {
        return key;
    }

    public AdditionalSense additionalSense() {
        return asc;
    }

    /** Fixed-format sense data (response code 0x70, current error). */
    public byte[] toFixed() {
        byte[] s = new byte[FIXED_LENGTH];
        s[0] = 0x70;
        s[2] = (byte) key.code();
        if (information != null) {
            // VALID says INFORMATION is meaningful; a 64-bit value that does not fit stays invalid.
            long v = information;
            if ((v & 0xffffffff00000000L) == 0) {
                s[0] |= (byte) 0x80;
            }
            Cdb.putInt(s, 3, (int) v);
        }
        s[7] = (byte) (FIXED_LENGTH - 8);
        s[12] = (byte) asc.asc();
        s[13] = (byte) asc.ascq();
        if (senseKeySpecific >= 0) {
            s[15] = (byte) (senseKeySpecific >>> 16);
            s[16] = (byte) (senseKeySpecific >>> 8);
            s[17] = (byte) senseKeySpecific;
        }
        return s;
    }

    /** Descriptor-format sense data (0x72), with information and field pointer descriptors. */
    public byte[] toDescriptor() {
        int len = 8 + (information != null ? 12 : 0) + (senseKeySpecific >= 0 ? 8 : 0);
        byte[] s = new byte[len];
        s[0] = 0x72;
        s[1] = (byte) key.code();
        s[2] = (byte) asc.asc();
        s[3] = (byte) asc.ascq();
        s[7] = (byte) (len - 8);
        int p = 8;
        if (information != null) {
            s[p] = 0x00;           // information descriptor
            s[p + 1] = 0x0a;
            s[p + 2] = (byte) 0x80; // VALID
            Cdb.putLong(s, p + 4, information);
            p += 12;
        }
        if (senseKeySpecific >= 0) {
            s[p] = 0x02;           // sense key specific descriptor
            s[p + 1] = 0x06;
            s[p + 4] = (byte) (senseKeySpecific >>> 16);
            s[p + 5] = (byte) (senseKeySpecific >>> 8);
            s[p + 6] = (byte) senseKeySpecific;
        }
        return s;
    }

    @Override
    public String toString() {
        return key + "/" + asc + (information != null ? " info=" + information : "");
    }
}
