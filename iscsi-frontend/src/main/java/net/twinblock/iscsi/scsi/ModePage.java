package net.twinblock.iscsi.scsi;

/**
 * The mode pages we report (SPC-4 §7.5, SBC-3 §6.4): default values and the changeable mask
 * MODE SENSE reports for page control 1. Only SWP is changeable; current values live per LU
 * in {@link ModeParameters}.
 */
enum ModePage {
    /**
     * Caching: WCE=1 because a completed write may sit in the page cache until FUA or
     * SYNCHRONIZE CACHE; Linux then sends those, which is what makes writes durable.
     */
    CACHING(0x08,
            new byte[] {0x08, 0x12, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
            new byte[] {0x08, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
    /**
     * Control: TST 000 (one task set), D_SENSE 0 (fixed-format sense), QAM 1 (unrestricted
     * reordering of SIMPLE tasks), QERR 00, SWP 0 but changeable, TAS 0, BUSY TIMEOUT PERIOD
     * unlimited.
     */
    CONTROL(0x0a,
            new byte[] {0x0a, 0x0a, 0x00, 0x10, 0x00, 0x00, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0},
            new byte[] {0x0a, 0x0a, 0, 0, ModePage.SWP, 0, 0, 0, 0, 0, 0, 0});

    static final int ALL_PAGES = 0x3f;
    /** Software write protect, CONTROL byte 4 bit 3. */
    static final byte SWP = 0x08;
    static final int SWP_BYTE = 4;

    private final int code;
    private final byte[] defaults;
    private final byte[] changeable;

    ModePage(int code, byte[] defaults, byte[] changeable) {
        this.code = code;
        this.defaults = defaults;
        this.changeable = changeable;
    }

    int code() {
        return code;
    }

    int length() {
        return defaults.length;
    }

    static ModePage of(int code) {
        for (ModePage p : values()) {
            if (p.code == code) {
                return p;
            }
        }
        return null;
    }

    byte[] defaults() {
        return defaults.clone();
    }

    /** Mask of bits MODE SELECT may change (bytes 0-1 carry the page code and length). */
    byte[] changeable() {
        return changeable.clone();
    }

    /** Changeable mask byte {@code i} for comparing parameter data (header bytes never change). */
    int changeableBits(int i) {
        return i < 2 ? 0 : changeable[i] & 0xff;
    }
}
