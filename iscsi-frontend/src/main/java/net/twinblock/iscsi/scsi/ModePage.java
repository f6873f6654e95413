package net.twinblock.iscsi.scsi;

/**
 * The mode pages we report (SPC-4 §7.5, SBC-3 §6.4). None is changeable: MODE SELECT is not
 * implemented, so the changeable mask is all zeros and current equals default.
 */
enum ModePage {
    /**
     * Caching: WCE=1 because a completed write may sit in the page cache until FUA or
     * SYNCHRONIZE CACHE; Linux then sends those, which is what makes writes durable.
     */
    CACHING(0x08, new byte[] {0x08, 0x12, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
    /**
     * Control: TST 000 (one task set), D_SENSE 0 (fixed-format sense), QAM 1 (unrestricted
     * reordering of SIMPLE tasks), QERR 00, SWP 0, TAS 0, BUSY TIMEOUT PERIOD unlimited.
     */
    CONTROL(0x0a, new byte[] {0x0a, 0x0a, 0x00, 0x10, 0x00, 0x00, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0});

    static final int ALL_PAGES = 0x3f;

    private final int code;
    private final byte[] current;

    ModePage(int code, byte[] current) {
        this.code = code;
        this.current = current;
    }

    int code() {
        return code;
    }

    static ModePage of(int code) {
        for (ModePage p : values()) {
            if (p.code == code) {
                return p;
            }
        }
        return null;
    }

    /** The page for a page control: 0 current, 1 changeable (all zero), 2 default (= current). */
    byte[] bytes(int pageControl) {
        byte[] page = current.clone();
        if (pageControl == 1) {
            for (int i = 2; i < page.length; i++) {
                page[i] = 0;
            }
        }
        return page;
    }
}
