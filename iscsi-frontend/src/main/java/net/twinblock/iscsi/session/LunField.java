package net.twinblock.iscsi.session;

/**
 * The 8-byte LUN field of a PDU (SAM-5 §4.7). Linux and libiscsi use peripheral device
 * addressing below 256 and flat space addressing above; both put the LUN in the first two
 * bytes, which is all a LUN up to 16383 needs.
 */
final class LunField {
    private LunField() {
    }

    /** The LUN number, or -1 for an addressing method we do not serve (logical unit, extended). */
    static int decode(long field) {
        int b0 = (int) (field >>> 56) & 0xff;
        int b1 = (int) (field >>> 48) & 0xff;
        int method = b0 >>> 6;
        if (method == 0) {
            // Peripheral device addressing: a non-zero bus identifier means another level.
            return (b0 & 0x3f) == 0 ? b1 : -1;
        }
        if (method == 1) {
            return ((b0 & 0x3f) << 8) | b1;
        }
        return -1;
    }

    static long encode(int lun) {
        if (lun < 256) {
            return (long) lun << 48;
        }
        return ((long) (0x40 | (lun >>> 8)) << 56) | ((long) (lun & 0xff) << 48);
    }
}
